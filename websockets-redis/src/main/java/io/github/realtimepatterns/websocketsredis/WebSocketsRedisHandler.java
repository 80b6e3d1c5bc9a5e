package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.connection.EncodeCache;
import io.github.realtimepatterns.core.connection.Outboxes;
import io.github.realtimepatterns.core.http.ChannelRequest;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.http.RequestEntry;
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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    /** The opened upgrade request, kept for the session the handshake creates. */
    private record Upgrade(ChannelRequest request, HttpServerExchange exchange) {
    }

    private final RealtimeService service;
    private final RequestEntry entry;
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

    WebSocketsRedisHandler(RealtimeService service, HttpSettings settings, SocketLimits limits, Outboxes outboxes) {
        this.service = service;
        this.entry = RequestEntry.of(settings);
        this.limits = limits;
        this.outboxes = outboxes;
        WebSocketConnectionCallback callback = this::onConnect;
        this.handshake = new WebSocketProtocolHandshakeHandler(List.of(new ConnectionKeepingHandshake()), callback,
                exchange -> Exchanges.fail(exchange, new ProtocolException("Upgrade",
                        "not a WebSocket handshake this server speaks (RFC 6455, Sec-WebSocket-Version 13)")));
        this.routes = RealtimeRoutes.builder(service, entry)
                .get("/channels/{channel}/ws", entry.read().checkOrigin().to(this::upgrade))
                .get("/ws", entry.connection().checkOrigin().to(this::upgrade))
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

    /**
     * Sockets open now.
     *
     * @return sockets open now
     */
    public int socketCount() {
        return sessions.size();
    }

    /**
     * Sockets closed with 1013 because they read too slowly, since start.
     *
     * @return sockets closed with 1013 because they read too slowly, since start
     */
    public long cutOffCount() {
        return cutOffs.sum();
    }

    /**
     * Sockets closed because a ping went unanswered, since start.
     *
     * @return sockets closed because a ping went unanswered, since start
     */
    public long pongTimeoutCount() {
        return pongTimeouts.sum();
    }

    @Override
    public void close() {
        if (!entry.startClosing()) {
            return;
        }
        for (SocketSession s : sessions) {
            s.closeWith(CloseMessage.GOING_AWAY, "server shutting down");
        }
        service.close();
    }

    private void upgrade(HttpServerExchange exchange, ChannelRequest request) throws Exception {
        String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            throw new ProtocolException("Upgrade", "this is a WebSocket endpoint: send Upgrade: websocket"
                    + " (the Upgrade header was " + (upgrade == null ? "missing" : "\"" + upgrade + "\"") + ")");
        }
        exchange.putAttachment(UPGRADE, new Upgrade(request, exchange));
        handshake.handleRequest(exchange);
    }

    private void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        Upgrade upgrade = exchange.getAttachment(UPGRADE);
        SocketSession session = new SocketSession(this, channel, exchange.getAttachment(CONNECTION),
                upgrade.exchange());
        sessions.add(session);
        opened.increment();
        session.start(upgrade.request().channel(), upgrade.request().cursor());
        if (entry.isClosing()) {
            session.closeWith(CloseMessage.GOING_AWAY, "server shutting down");
        }
    }

    HttpSettings settings() {
        return entry.settings();
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
