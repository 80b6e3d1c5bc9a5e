package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Assembles a pattern's routes with what every pattern shares: {@code POST /channels/{channel}/messages},
 * {@code GET /health}, {@code GET /metrics}, static browser clients, CORS, 404 and 405 as problem+json.
 * Channel routes go through the handler's {@link RequestEntry}, the publish route included.
 *
 * <pre>{@code
 * RequestEntry entry = RequestEntry.of(settings);
 * HttpHandler routes = RealtimeRoutes.builder(service, entry)
 *         .get("/channels/{channel}/messages", entry.read().to(this::poll))
 *         .script("/realtime/polling.js", Polling.class, "/io/github/.../polling.js")
 *         .metric("parked", handler::parkedCount)
 *         .build();
 * }</pre>
 */
public final class RealtimeRoutes {

    private RealtimeRoutes() {
    }

    /**
     * A builder over {@code service}; the publish (through {@code entry}), health and metrics routes are
     * added for you, with CORS from the entry's settings.
     *
     * @param service the service the handler runs over
     * @param entry the request entry every channel route passes
     * @return a builder over {@code service}; the publish (through {@code entry}), health and metrics routes are
     *         added for you, with CORS from the entry's settings
     */
    public static Builder builder(RealtimeService service, RequestEntry entry) {
        return new Builder(service, entry);
    }

    /** Collects routes; {@link #build()} returns the composed handler. */
    public static final class Builder {
        private final HttpSettings settings;
        private final RoutingHandler routes = new RoutingHandler(false);
        private final Map<String, Supplier<? extends Number>> metrics = new LinkedHashMap<>();

        private Builder(RealtimeService service, RequestEntry entry) {
            Objects.requireNonNull(service, "service");
            this.settings = entry.settings();
            routes.post("/channels/{channel}/messages", entry.publish().to(new PublishHandler(service, settings)));
            routes.get("/health", new HealthHandler(service));
            routes.get("/metrics", this::metrics);
            script("/realtime/realtime-core.js", RealtimeRoutes.class, "realtime-core.js");
            metric("published", service::publishedCount);
            metric("failedNotifications", service::failedNotifications);
            metric("subscribers", service::subscriberCount);
            metric("channels", service::channelCount);
            metric("hubStoreReads", service::subscriptionReads);
            metric("delivered", service::deliveredCount);
            metric("storeQueries", service::storeQueries);
        }

        /**
         * Adds a GET route ({@code {channel}} is a path parameter; a channel route's handler comes from
         * the {@link RequestEntry}).
         *
         * @param template the path, with {@code {channel}} as a parameter
         * @param handler the handler
         * @return this builder
         */
        public Builder get(String template, HttpHandler handler) {
            routes.get(template, handler);
            return this;
        }

        /**
         * Adds a route for {@code method}.
         *
         * @param method the method
         * @param template the path, with {@code {channel}} as a parameter
         * @param handler the handler
         * @return this builder
         */
        public Builder add(HttpString method, String template, HttpHandler handler) {
            routes.add(method, template, handler);
            return this;
        }

        /**
         * Serves a classpath resource as a JavaScript module at {@code path}.
         *
         * @param path the path
         * @param owner the class the resource and the log belong to
         * @param resource the resource's name, relative to {@code owner}
         * @return this builder
         */
        public Builder script(String path, Class<?> owner, String resource) {
            ByteBuffer body = load(owner, resource);
            routes.get(path, exchange -> {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/javascript; charset=utf-8");
                exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
                exchange.getResponseSender().send(body.duplicate());
            });
            return this;
        }

        /**
         * Adds a counter or gauge to {@code GET /metrics}.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder metric(String name, Supplier<? extends Number> value) {
            metrics.put(name, value);
            return this;
        }

        /**
         * The composed handler: CORS around the routes, problems for unknown paths and methods.
         *
         * @return the composed handler: CORS around the routes, problems for unknown paths and methods
         */
        public HttpHandler build() {
            routes.setFallbackHandler(exchange -> Problems.send(exchange, 404, null,
                    "no route for " + exchange.getRequestMethod() + " " + exchange.getRelativePath()));
            routes.setInvalidMethodHandler(exchange -> {
                Problems.send(exchange, 405, null, "method " + exchange.getRequestMethod()
                        + " is not allowed on " + exchange.getRelativePath());
            });
            HttpHandler cors = new CorsHandler(settings, routes);
            return exchange -> {
                if (Methods.OPTIONS.equals(exchange.getRequestMethod())
                        && exchange.getRequestHeaders().getFirst("Origin") == null) {
                    exchange.getResponseHeaders().put(Headers.ALLOW, "GET, POST, OPTIONS");
                    exchange.setStatusCode(204);
                    exchange.endExchange();
                    return;
                }
                cors.handleRequest(exchange);
            };
        }

        private void metrics(HttpServerExchange exchange) {
            Exchanges.sendJson(exchange, 200, io.github.realtimepatterns.core.WireJson.write(out -> {
                out.writeStartObject();
                for (Map.Entry<String, Supplier<? extends Number>> m : metrics.entrySet()) {
                    out.writeFieldName(m.getKey());
                    Number n = m.getValue().get();
                    if (n instanceof Double || n instanceof Float) {
                        out.writeNumber(n.doubleValue());
                    } else {
                        out.writeNumber(n.longValue());
                    }
                }
                out.writeEndObject();
            }));
        }

        private static ByteBuffer load(Class<?> owner, String resource) {
            try (InputStream in = owner.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no classpath resource " + resource + " next to " + owner);
                }
                return ByteBuffer.wrap(in.readAllBytes()).asReadOnlyBuffer();
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + resource, e);
            }
        }
    }
}
