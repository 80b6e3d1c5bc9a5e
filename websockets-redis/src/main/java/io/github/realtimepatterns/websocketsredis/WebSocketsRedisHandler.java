package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.connection.EncodeCache;
import io.github.realtimepatterns.core.connection.Outboxes;
import io.github.realtimepatterns.core.http.Authorizer;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.connector.ByteBufferPool;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.xnio.StreamConnection;

/**
 * The handler built by {@link WebSocketsRedis.Builder#build()}: {@code GET /channels/{channel}/ws} and
 * {@code GET /ws} upgrade to WebSockets, plus the shared publish, health and metrics routes and the browser
 * client at {@code /realtime/websockets-redis.js}. Thread-safe. {@link #close()} closes every socket with
 * 1001 (going away), then the service and what it created; not the store.
 */
public final class WebSocketsRedisHandler implements RealtimeHandler {

    private static final AttachmentKey<Upgrade> UPGRADE = AttachmentKey.create(Upgrade.class);
    private static final AttachmentKey<StreamConnection> CONNECTION = AttachmentKey.create(StreamConnection.class);

    /**
     * RFC 6455 (version 13) only, keeping the upgraded connection for the session: it writes whole,
     * pre-built frames to it (Undertow still reads and parses the client's frames).
     */
    private static final class ConnectionKeepingHandshake extends Hybi13Handshake {
        @Override
        public WebSocketChannel createChannel(WebSocketHttpExchange exchange, StreamConnection connection,
                                              ByteBufferPool pool) {
            WebSocketChannel channel = super.createChannel(exchange, connection, pool);
            exchange.putAttachment(CONNECTION, connection);
            return channel;
        }
    }

    private record Upgrade(String channel, Cursor cursor, HttpServerExchange exchange) {
    }

    private final RealtimeService service;
    private final HttpSettings settings;
    private final SocketLimits limits;
    private final Outboxes outboxes;
    private final EncodeCache encoded = new EncodeCache();
    private final HttpHandler routes;
    private final WebSocketProtocolHandshakeHandler handshake;
    private final Set<SocketSession> sessions = ConcurrentHashMap.newKeySet();
    private final LongAdder opened = new LongAdder();
    private final LongAdder cutOffs = new LongAdder();
    private final LongAdder pongTimeouts = new LongAdder();
    private final LongAdder tooBig = new LongAdder();
    private final LongAdder malformedCloses = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    WebSocketsRedisHandler(RealtimeService service, HttpSettings settings, SocketLimits limits, Outboxes outboxes) {
        this.service = service;
        this.settings = settings;
        this.limits = limits;
        this.outboxes = outboxes;
        WebSocketConnectionCallback callback = this::onConnect;
        this.handshake = new WebSocketProtocolHandshakeHandler(List.of(new ConnectionKeepingHandshake()), callback,
                exchange -> Exchanges.fail(exchange, new ProtocolException("Upgrade",
                        "not a WebSocket handshake this server speaks (RFC 6455, Sec-WebSocket-Version 13)")));
        this.routes = RealtimeRoutes.builder(service, settings)
                .get("/channels/{channel}/ws", exchange -> upgrade(exchange, true))
                .get("/ws", exchange -> upgrade(exchange, false))
                .script("/realtime/websockets-redis.js", WebSocketsRedis.class, "websockets-redis.js")
                .metric("sockets", sessions::size)
                .metric("socketsOpened", opened::sum)
                .metric("socketsCutOff", cutOffs::sum)
                .metric("pongTimeouts", pongTimeouts::sum)
                .metric("messagesTooBig", tooBig::sum)
                .metric("malformedCloses", malformedCloses::sum)
                .build();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        routes.handleRequest(exchange);
    }

    @Override
    public RealtimeService service() {
        return service;
    }

    @Override
    public String pattern() {
        return "websockets-redis";
    }

    /** Sockets open now. */
    public int socketCount() {
        return sessions.size();
    }

    /** Sockets closed with 1013 because they read too slowly, since start. */
    public long cutOffCount() {
        return cutOffs.sum();
    }

    /** Sockets closed because a ping went unanswered, since start. */
    public long pongTimeoutCount() {
        return pongTimeouts.sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (SocketSession s : sessions) {
            s.closeWith(CloseMessage.GOING_AWAY, "server shutting down");
        }
        service.close();
    }

    private void upgrade(HttpServerExchange exchange, boolean withChannel) {
        Exchanges.guarded(exchange, () -> {
            String channel = withChannel ? Exchanges.channel(exchange) : null;
            Cursor cursor = withChannel ? Exchanges.cursor(exchange, false) : null;
            String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
            if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
                throw new ProtocolException("Upgrade", "this is a WebSocket endpoint: send Upgrade: websocket"
                        + " (the Upgrade header was " + (upgrade == null ? "missing" : "\"" + upgrade + "\"") + ")");
            }
            String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
            if (origin != null && !originAllowed(origin, exchange)) {
                throw new ProtocolException(403, "Origin", "origin " + origin
                        + " may not open a WebSocket here (not same-origin and not in the allowed origins)");
            }
            if (channel != null) {
                Exchanges.authorize(exchange, settings, channel, Authorizer.Action.READ);
            }
            if (closed.get()) {
                throw new ProtocolException(400, "Upgrade", "the server is shutting down");
            }
            exchange.putAttachment(UPGRADE, new Upgrade(channel, cursor, exchange));
            handshake.handleRequest(exchange);
        });
    }

    /**
     * Cross-site WebSocket hijacking guard: a browser sends cookies with an upgrade from any page, so the
     * page's origin must be this server's own (scheme-default ports filled in) or an allowed one.
     */
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

    private void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        Upgrade upgrade = exchange.getAttachment(UPGRADE);
        SocketSession session = new SocketSession(this, channel, exchange.getAttachment(CONNECTION),
                upgrade.exchange());
        sessions.add(session);
        opened.increment();
        session.start(upgrade.channel(), upgrade.cursor());
        if (closed.get()) {
            session.closeWith(CloseMessage.GOING_AWAY, "server shutting down");
        }
    }

    HttpSettings settings() {
        return settings;
    }

    SocketLimits limits() {
        return limits;
    }

    Outboxes outboxes() {
        return outboxes;
    }

    EncodeCache encoded() {
        return encoded;
    }

    void removed(SocketSession session) {
        sessions.remove(session);
    }

    void countCutOff() {
        cutOffs.increment();
    }

    void countPongTimeout() {
        pongTimeouts.increment();
    }

    void countTooBig() {
        tooBig.increment();
    }

    void countMalformedClose() {
        malformedCloses.increment();
    }
}
