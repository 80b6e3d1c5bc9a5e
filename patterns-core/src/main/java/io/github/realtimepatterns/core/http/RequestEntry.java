package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.ProtocolException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one way into a handler's channel routes: every route of every transport that names a channel (and
 * the multiplexed WebSocket upgrade, which names none) is wrapped by a {@link Route} of its handler's entry,
 * so every request is opened by the same checks, in the same order, answered the same way:
 *
 * <ol>
 *   <li>refused with 503 while the handler closes ({@link #startClosing()});</li>
 *   <li>on routes that {@linkplain Route#checkOrigin() check it}, a browser {@code Origin} that is neither
 *       this server's own nor allowed by {@link HttpSettings#allowedOrigins()}: 403 naming {@code Origin};</li>
 *   <li>the {@code {channel}} path parameter: 400 naming {@code channel};</li>
 *   <li>on reads, the cursor ({@code after}, {@code epoch}, and {@code Last-Event-ID} where the route
 *       {@linkplain Route#lastEventId() takes it}; see {@link Cursor#parse}) and {@code limit}
 *       (1..{@link HttpSettings#maxLimit()}): 400 naming the field;</li>
 *   <li>the {@link Authorizer} for the route's action on the channel: 403 naming {@code channel};</li>
 * </ol>
 *
 * <p>then hands the parsed {@link ChannelRequest} to the transport's {@link ChannelHandler}. Every refusal
 * is {@code application/problem+json} before any body is read or anything is stored; what the transport's
 * handler throws is answered the same way. A rule that concerns every channel request (authentication,
 * rate limits) belongs here, once.
 *
 * <pre>{@code
 * RequestEntry entry = RequestEntry.of(settings);
 * routes.get("/channels/{channel}/events", entry.read().lastEventId().to(this::stream));
 * ...
 * public void close() {
 *     if (entry.startClosing()) { ... end open streams ... }
 * }
 * }</pre>
 *
 * <p>One entry per handler; thread-safe. Routes are built once, at the handler's construction.
 */
public final class RequestEntry {

    private final HttpSettings settings;
    private final AtomicBoolean closing = new AtomicBoolean();

    private RequestEntry(HttpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * An entry applying {@code settings} (limits, allowed origins, authorizer); open until closing starts.
     *
     * @param settings the HTTP limits, origins and authorizer
     * @return an entry applying {@code settings} (limits, allowed origins, authorizer); open until closing starts
     */
    public static RequestEntry of(HttpSettings settings) {
        return new RequestEntry(settings);
    }

    /**
     * The settings this entry applies.
     *
     * @return the settings this entry applies
     */
    public HttpSettings settings() {
        return settings;
    }

    /**
     * A read route ({@code GET /channels/{channel}/...}): channel, cursor and limit, authorized for
     * {@link Authorizer.Action#READ}.
     *
     * @return a read route ({@code GET /channels/{channel}/...}): channel, cursor and limit, authorized for {@link
     *         Authorizer.Action#READ}
     */
    public Route read() {
        return new Route(Kind.READ);
    }

    /**
     * A publish route ({@code POST /channels/{channel}/messages}): channel, authorized for {@link Authorizer.Action#PUBLISH}.
     *
     * @return a publish route ({@code POST /channels/{channel}/messages}): channel, authorized for {@link
     *         Authorizer.Action#PUBLISH}
     */
    public Route publish() {
        return new Route(Kind.PUBLISH);
    }

    /**
     * A route that names no channel, like the multiplexed WebSocket upgrade {@code /ws}: only the checks
     * that do not need one (closing, origin); the transport authorizes each channel it is later asked for.
     *
     * @return a route that names no channel, like the multiplexed WebSocket upgrade {@code /ws}: only the checks
     *         that do not need one (closing, origin); the transport authorizes each channel it is later asked for
     */
    public Route connection() {
        return new Route(Kind.CONNECTION);
    }

    /**
     * From now on every route of this entry answers 503 (the handler is closing; its clients retry
     * elsewhere or later). Idempotent.
     *
     * @return {@code true} for the call that started closing, {@code false} for every later one
     */
    public boolean startClosing() {
        return closing.compareAndSet(false, true);
    }

    /**
     * Whether {@link #startClosing()} was called: requests are refused and open exchanges are being ended.
     *
     * @return whether {@link #startClosing()} was called: requests are refused and open exchanges are being ended
     */
    public boolean isClosing() {
        return closing.get();
    }

    private enum Kind { READ, PUBLISH, CONNECTION }

    /** How one route is opened; {@link #to} makes it a handler. Not thread-safe: build, then use the handler. */
    public final class Route {
        private final Kind kind;
        private boolean lastEventId;
        private boolean checkOrigin;

        private Route(Kind kind) {
            this.kind = kind;
        }

        /**
         * The read cursor may come from the {@code Last-Event-ID} header (the SSE reconnect), which wins
         * over {@code after}; a malformed one is refused naming {@code Last-Event-ID}.
         *
         * @return the read cursor may come from the {@code Last-Event-ID} header (the SSE reconnect), which wins
         *         over {@code after}; a malformed one is refused naming {@code Last-Event-ID}
         */
        public Route lastEventId() {
            if (kind != Kind.READ) {
                throw new IllegalStateException("Last-Event-ID is a read cursor; this route reads nothing");
            }
            this.lastEventId = true;
            return this;
        }

        /**
         * Refuses a browser request whose {@code Origin} is neither this server's own (same host and port as
         * the request) nor an allowed one: what a WebSocket upgrade needs, since browsers send cookies with
         * an upgrade from any page. A request without {@code Origin} is not from a browser and goes on.
         *
         * @return this builder
         */
        public Route checkOrigin() {
            this.checkOrigin = true;
            return this;
        }

        /**
         * The route's handler: opens each request as described on {@link RequestEntry}, then calls {@code next}.
         *
         * @param next the handler to run after the checks
         * @return the route's handler: opens each request as described on {@link RequestEntry}, then calls {@code
         *         next}
         */
        public HttpHandler to(ChannelHandler next) {
            Objects.requireNonNull(next, "next");
            Kind k = kind;
            boolean fromHeader = lastEventId;
            boolean origin = checkOrigin;
            return exchange -> {
                if (closing.get()) {
                    Problems.send(exchange, 503, null, "the server is shutting down; retry later");
                    return;
                }
                Exchanges.guarded(exchange, () -> next.handleRequest(exchange, open(exchange, k, fromHeader, origin)));
            };
        }
    }

    private ChannelRequest open(HttpServerExchange exchange, Kind kind, boolean lastEventId, boolean checkOrigin) {
        if (checkOrigin) {
            String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
            if (origin != null && !originAllowed(origin, exchange)) {
                throw new ProtocolException(403, "Origin", "origin " + origin
                        + " may not open a connection here (not same-origin and not in the allowed origins)");
            }
        }
        if (kind == Kind.CONNECTION) {
            return new ChannelRequest(null, null, 0, null);
        }
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        String channel = Channels.validate(match == null ? null : match.getParameters().get("channel"));
        Cursor cursor = null;
        int limit = 0;
        Authorizer.Action action = Authorizer.Action.PUBLISH;
        if (kind == Kind.READ) {
            cursor = cursor(exchange, lastEventId);
            limit = limit(exchange);
            action = Authorizer.Action.READ;
        }
        if (!settings.authorizer().allows(channel, action, exchange)) {
            throw new ProtocolException(403, "channel", action.name().toLowerCase(Locale.ROOT)
                    + " on channel " + channel + " is not allowed");
        }
        return new ChannelRequest(channel, cursor, limit, action);
    }

    private static Cursor cursor(HttpServerExchange exchange, boolean lastEventId) {
        String epoch = Exchanges.query(exchange, "epoch");
        if (lastEventId) {
            String header = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            if (header != null && !header.isBlank()) {
                return Cursor.parse(epoch, header, "Last-Event-ID");
            }
        }
        return Cursor.parse(epoch, Exchanges.query(exchange, "after"));
    }

    private int limit(HttpServerExchange exchange) {
        String limit = Exchanges.query(exchange, "limit");
        if (limit == null) {
            return settings.defaultLimit();
        }
        return (int) Exchanges.parseLong("limit", limit, 1, settings.maxLimit());
    }

    /** Same-origin (the request's own scheme, host and port; default ports filled in) or an allowed origin. */
    private boolean originAllowed(String origin, HttpServerExchange exchange) {
        if (settings.allowsOrigin(origin)) {
            return true;
        }
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null) {
            return false;
        }
        try {
            URI o = URI.create(origin);
            URI h = URI.create(exchange.getRequestScheme() + "://" + host);
            return o.getHost() != null && o.getHost().equalsIgnoreCase(h.getHost())
                    && port(o) == port(h) && o.getPath().isEmpty() && o.getQuery() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
