package io.github.realtimepatterns.websocketsredis;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.client.Backoff;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.client.CursorGate;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.client.MessageListener;
import io.github.realtimepatterns.core.client.RealtimeClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Java client over {@code java.net.http.WebSocket}: many channels on one socket ({@code GET /ws} and
 * subscribe frames), reconnect with capped exponential backoff and jitter, and on every reconnect each
 * channel subscribes again from its {@link CursorGate} position, so its listener sees each message once, in
 * order. A second subscription to a channel the socket already follows opens another socket (the protocol
 * has one subscription per channel per socket).
 *
 * <p>{@link #publish} goes over HTTP ({@link HttpPublisher}): it answers with the stored message and works
 * with no socket open; the socket's own {@code publish} frame (answered by an {@code ack}) is used by the
 * browser client. Thread-safe; listeners are called on the JDK WebSocket's thread, one at a time per socket.
 */
public final class WebSocketsRedisClient implements RealtimeClient {

    private static final System.Logger LOG = System.getLogger(WebSocketsRedisClient.class.getName());

    private final HttpClient http;
    private final URI socketUri;
    private final HttpPublisher publisher;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A client of the server at {@code base} (its {@code http://} URI) with its own HTTP client.
     *
     * @param base the server's base URI
     */
    public WebSocketsRedisClient(URI base) {
        this(base, HttpPublisher.newHttpClient(), Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    /**
     * A client of the server at {@code base} sharing {@code http} (HTTP/1.1), reconnecting after a wait
     * between {@code minBackoff} and {@code maxBackoff}.
     *
     * @param base the server's base URI
     * @param http the HTTP client to use
     * @param minBackoff the first wait before reconnecting
     * @param maxBackoff the longest wait before reconnecting
     */
    public WebSocketsRedisClient(URI base, HttpClient http, Duration minBackoff, Duration maxBackoff) {
        Objects.requireNonNull(base, "base");
        this.http = Objects.requireNonNull(http, "http");
        new Backoff(minBackoff, maxBackoff); // validates the pair at once
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        URI withSlash = HttpPublisher.withSlash(base);
        String scheme = "https".equalsIgnoreCase(withSlash.getScheme()) ? "wss" : "ws";
        this.socketUri = URI.create(scheme + withSlash.toString().substring(withSlash.getScheme().length()))
                .resolve("ws");
        this.publisher = new HttpPublisher(http, withSlash, Duration.ofSeconds(10));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ws-client-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ClientSubscription subscribe(String channel, Cursor from, MessageListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("client is closed");
        }
        Sub sub = new Sub(channel, new CursorGate(channel, from, listener));
        synchronized (connections) {
            Connection target = null;
            for (Connection c : connections) {
                if (!c.subs.containsKey(channel)) {
                    target = c;
                    break;
                }
            }
            if (target == null) {
                target = new Connection();
                connections.add(target);
                target.add(sub);
                target.connect();
            } else {
                target.add(sub);
            }
        }
        return sub;
    }

    @Override
    public Message publish(String channel, String json) {
        return publisher.publish(channel, json);
    }

    /**
     * Sockets this client holds open now.
     *
     * @return sockets this client holds open now
     */
    public int openSockets() {
        return (int) connections.stream().filter(c -> c.socket != null).count();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Connection c : connections) {
            c.shutdown();
        }
        connections.clear();
        timer.shutdownNow();
    }

    private static String subscribeFrame(String channel, Cursor position) {
        return WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "subscribe");
            out.writeStringField("channel", channel);
            if (!position.isHead()) {
                out.writeNumberField("after", position.after());
            }
            if (position.epoch() != null) {
                out.writeStringField("epoch", position.epoch());
            }
            out.writeEndObject();
        });
    }

    /** One channel followed on one socket. */
    private final class Sub implements ClientSubscription {
        final String channel;
        final CursorGate gate;
        volatile String epoch;
        volatile Connection connection;

        Sub(String channel, CursorGate gate) {
            this.channel = channel;
            this.gate = gate;
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public Cursor position() {
            return gate.position();
        }

        @Override
        public void close() {
            if (gate.isClosed()) {
                return;
            }
            gate.close();
            Connection c = connection;
            if (c != null) {
                c.remove(this);
            }
        }
    }

    /** One socket: its subscriptions, its reconnect loop and its frame handling. */
    private final class Connection implements WebSocket.Listener {
        final Map<String, Sub> subs = new ConcurrentHashMap<>();
        final Backoff backoff = new Backoff(minBackoff, maxBackoff);
        final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;
        volatile boolean stopped;
        CompletableFuture<?> sending = CompletableFuture.completedFuture(null); // guarded by this

        void add(Sub sub) {
            sub.connection = this;
            synchronized (this) {
                subs.put(sub.channel, sub);
                if (socket != null) {
                    send(subscribeFrame(sub.channel, sub.gate.position()));
                }
            }
        }

        void remove(Sub sub) {
            synchronized (this) {
                if (!subs.remove(sub.channel, sub)) {
                    return;
                }
                if (socket != null) {
                    send(WireJson.write(out -> {
                        out.writeStartObject();
                        out.writeStringField("type", "unsubscribe");
                        out.writeStringField("channel", sub.channel);
                        out.writeEndObject();
                    }));
                }
            }
        }

        void connect() {
            if (stopped || closed.get()) {
                return;
            }
            http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(socketUri, this)
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            lost(error);
                        }
                    });
        }

        /** Sends in order: the JDK socket takes one text message at a time. Call holding the lock. */
        private void send(String text) {
            WebSocket ws = socket;
            sending = sending.handle((v, e) -> null)
                    .thenCompose(v -> ws.sendText(text, true))
                    .exceptionally(e -> {
                        LOG.log(System.Logger.Level.DEBUG, "send failed; the reconnect resends: " + e);
                        return null;
                    });
        }

        @Override
        public void onOpen(WebSocket ws) {
            synchronized (this) {
                socket = ws;
                sending = CompletableFuture.completedFuture(null);
                for (Sub sub : subs.values()) {
                    send(subscribeFrame(sub.channel, sub.gate.position()));
                }
            }
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                try {
                    handle(frame);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not handle frame " + abbreviate(frame), e);
                }
            }
            ws.request(1);
            return null;
        }

        private void handle(String text) {
            JsonNode frame = WireJson.tree(text);
            String type = frame.path("type").asText("");
            Sub sub = subs.get(frame.path("channel").asText(""));
            switch (type) {
                case "message" -> {
                    if (sub != null) {
                        sub.gate.offer(sub.epoch, WireJson.parseMessage(text)); // data exactly as sent
                    }
                }
                case "subscribed" -> {
                    if (sub != null) {
                        sub.epoch = frame.path("epoch").asText(null);
                        sub.gate.accept(ReadResult.empty(sub.epoch, frame.path("cursor").asLong()));
                        backoff.reset();
                    }
                }
                case "reset" -> {
                    if (sub != null) {
                        sub.epoch = frame.path("epoch").asText(null);
                        boolean truncated = frame.path("truncated").asBoolean(false);
                        sub.gate.accept(new ReadResult(sub.epoch, List.of(), frame.path("cursor").asLong(), false,
                                !truncated, truncated));
                    }
                }
                case "error" -> {
                    ProtocolException error = new ProtocolException(Math.max(400, Math.min(499,
                            frame.path("status").asInt(400))), "frame", frame.path("detail").asText(""));
                    if (sub != null) {
                        sub.gate.error(error);
                    } else {
                        LOG.log(System.Logger.Level.WARNING, "server error frame: " + abbreviate(text));
                    }
                }
                default -> {
                    // ack and frame types added later carry nothing this client needs
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            lost(new RealtimeException("socket closed by the server: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            lost(error);
        }

        private void lost(Throwable error) {
            synchronized (this) {
                socket = null;
                partial.setLength(0);
            }
            if (stopped || closed.get()) {
                return;
            }
            for (Sub sub : subs.values()) {
                sub.gate.error(error);
            }
            Duration wait = backoff.next();
            try {
                timer.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "client closed while reconnecting; not reconnecting");
            }
        }

        void shutdown() {
            stopped = true;
            WebSocket ws = socket;
            if (ws != null) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "client closed")
                        .orTimeout(2, TimeUnit.SECONDS)
                        .whenComplete((v, e) -> ws.abort());
            }
        }

        private String abbreviate(String s) {
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
    }
}
