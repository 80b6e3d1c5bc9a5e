package io.github.realtimepatterns.core.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * Cross-origin requests from the origins in {@link HttpSettings#allowedOrigins()}: adds the CORS headers
 * to their answers and answers their preflights (204). A preflight from any other origin gets 403; a
 * simple request from one gets no CORS headers, so the browser keeps its answer from the page.
 */
public final class CorsHandler implements HttpHandler {

    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString VARY = new HttpString("Vary");

    private final HttpSettings settings;
    private final HttpHandler next;

    /**
     * Wraps {@code next}.
     *
     * @param settings the HTTP limits, origins and authorizer
     * @param next the handler to run after the checks
     */
    public CorsHandler(HttpSettings settings, HttpHandler next) {
        this.settings = settings;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        boolean preflight = Methods.OPTIONS.equals(exchange.getRequestMethod()) && origin != null
                && exchange.getRequestHeaders().contains("Access-Control-Request-Method");
        if (origin == null || !settings.allowsOrigin(origin)) {
            if (preflight) {
                Problems.send(exchange, 403, "Origin", "origin " + origin + " is not allowed");
                return;
            }
            next.handleRequest(exchange);
            return;
        }
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, origin);
        exchange.getResponseHeaders().add(VARY, "Origin");
        if (preflight) {
            exchange.getResponseHeaders().put(ALLOW_METHODS, "GET, POST, OPTIONS");
            exchange.getResponseHeaders().put(ALLOW_HEADERS,
                    "Content-Type, Last-Event-ID, If-None-Match, Authorization, Idempotency-Key");
            exchange.getResponseHeaders().put(MAX_AGE, "600");
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(EXPOSE_HEADERS, "ETag, Location, Idempotent-Replayed");
        next.handleRequest(exchange);
    }
}
