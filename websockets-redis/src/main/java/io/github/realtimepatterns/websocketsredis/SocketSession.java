package io.github.realtimepatterns.websocketsredis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.IdempotencyKeys;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.StoreException;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.connection.Outbox;
import io.github.realtimepatterns.core.http.Authorizer;
import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.hub.Subscriber;
import io.undertow.server.HttpServerExchange;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.core.WebSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.IoUtils;
import org.xnio.Pooled;
import org.xnio.StreamConnection;

/**
 * One open socket: its channel subscriptions (one hub subscription each), its keepalive and the client
 * frames it reads. Every frame goes out through the socket's {@link Outbox} (a channel's frames all come
 * from that channel's hub thread, so they keep the hub's order), which writes whole, pre-built frames to
 * the connection in gathering writes, pauses the subscriptions of a socket that reads too slowly and gives
 * up on one that falls too far behind: then the socket is closed with 1013 and the client resumes from its
 * cursor.
 */
final class SocketSession extends AbstractReceiveListener implements Outbox.Listener {

    private static final System.Logger LOG = System.getLogger(SocketSession.class.getName());
    private static final long CLOSE_GRACE_MILLIS = 3_000;
    private static final int MAX_PUBLISHES_IN_FLIGHT = 64;
    private static final int TRY_AGAIN_LATER = 1013;

    private final WebSocketsRedisHandler owner;
    private final WebSocketChannel channel;
    private final HttpServerExchange upgrade;
    private final SocketLimits limits;
    private final Outbox outbox;
    private final ConcurrentHashMap<String, ChannelSub> subs = new ConcurrentHashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Queue<Runnable> publishes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger publishesInFlight = new AtomicInteger();
    private final AtomicBoolean publishing = new AtomicBoolean();
    private volatile long pingSentAt;
    private int malformed; // touched on the IO thread only

    SocketSession(WebSocketsRedisHandler owner, WebSocketChannel channel, StreamConnection connection,
                  HttpServerExchange upgrade) {
        this.owner = owner;
        this.channel = channel;
        this.upgrade = upgrade;
        this.limits = owner.limits();
        // The outbox writes whole frames to the connection itself: a message's frame bytes are the same for
        // every socket, built once per node. Undertow's own write listener still runs once the outbox has
        // nothing left, for the rare frame Undertow sends by itself while failing a socket.
        this.outbox = owner.outboxes().open(channel.getIoThread(), connection.getSinkChannel(), this);
    }

    /** Starts reading frames and pinging; subscribes {@code channelName} when the upgrade named one. */
    void start(String channelName, Cursor cursor) {
        // Undertow's read/write timeouts would otherwise decide when an idle socket dies (UNDERTOW-2333):
        // the idle timeout is set explicitly, longer than a ping round trip, so only a dead peer hits it.
        channel.setIdleTimeout(limits.idleMillis());
        channel.getReceiveSetter().set(this);
        channel.addCloseTask(ch -> closed());
        channel.resumeReceives();
        schedulePing();
        if (channelName != null) {
            subscribe(channelName, cursor);
        }
    }

    /** Closes the socket with {@code code}, after what is already queued; idempotent. */
    void closeWith(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeSubscriptions();
        outbox.sendLast(Frames.close(code, reason), null); // the peer's answer, or the grace period, ends it
        try {
            // A peer that never answers the close (or never reads) is dropped after a grace period.
            channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), CLOSE_GRACE_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The server is stopping its IO threads: no close frame can be written any more.
            IoUtils.safeClose(channel);
        }
    }

    /** Channels subscribed on this socket now. */
    int channelCount() {
        return subs.size();
    }

    // ---------------------------------------------------------------- sending

    private void send(ByteBuffer frame) {
        if (!closing.get()) {
            outbox.send(1, frame);
        }
    }

    /** Queues a control frame (ping, pong): it carries no message. */
    private void control(ByteBuffer frame) {
        outbox.send(0, frame);
    }

    @Override
    public void cutOff(Outbox.CutOff why) {
        if (!closing.get()) {
            owner.countCutOff();
            LOG.log(System.Logger.Level.INFO, "closing slow socket from " + channel.getSourceAddress() + ": "
                    + (why == Outbox.CutOff.STALLED ? "it took no byte for " + owner.outboxes().limits().stallTimeout()
                    : "its send queue is past its bound"));
        }
        closeWith(TRY_AGAIN_LATER, "too slow: resume from your cursor");
    }

    @Override
    public void writeFailed(IOException cause) {
        IoUtils.safeClose(channel);
    }

    // ---------------------------------------------------------------- keepalive

    private void schedulePing() {
        channel.getIoThread().executeAfter(this::ping, limits.pingMillis(), TimeUnit.MILLISECONDS);
    }

    private void ping() {
        if (closing.get() || !channel.isOpen()) {
            return;
        }
        if (pingSentAt == 0) {
            long at = System.nanoTime();
            pingSentAt = at;
            control(Frames.PING.duplicate());
            channel.getIoThread().executeAfter(() -> {
                if (pingSentAt == at && channel.isOpen()) {
                    owner.countPongTimeout();
                    LOG.log(System.Logger.Level.INFO, "no pong from " + channel.getSourceAddress() + " within "
                            + limits.pongMillis() + " ms; closing");
                    IoUtils.safeClose(channel);
                }
            }, limits.pongMillis(), TimeUnit.MILLISECONDS);
        }
        schedulePing();
    }

    @Override
    protected void onFullPongMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
        message.getData().free();
        pingSentAt = 0;
    }

    @Override
    protected void onFullPingMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
        Pooled<ByteBuffer[]> data = message.getData();
        try {
            if (!closing.get()) {
                control(Frames.pong(data.getResource()));
            }
        } finally {
            data.close();
        }
    }

    @Override
    protected void onFullCloseMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
        Pooled<ByteBuffer[]> data = message.getData();
        try {
            if (closing.compareAndSet(false, true)) {
                // The peer closes first: answer with its code, then close the connection once that is written.
                CloseMessage peer = new CloseMessage(data.getResource());
                closeSubscriptions();
                outbox.sendLast(Frames.close(peer.getCode(), peer.getReason()), () -> IoUtils.safeClose(channel));
            } else {
                IoUtils.safeClose(channel); // the peer answered our close
            }
        } finally {
            data.close();
        }
    }

    // ---------------------------------------------------------------- receiving

    @Override
    protected void onText(WebSocketChannel ch, StreamSourceFrameChannel frame) {
        read(frame, true);
    }

    @Override
    protected void onBinary(WebSocketChannel ch, StreamSourceFrameChannel frame) {
        read(frame, false);
    }

    private void read(StreamSourceFrameChannel frame, boolean text) {
        BoundedTextReader.read(frame, limits.maxMessageBytes(), new BoundedTextReader.Outcome() {
            @Override
            public void complete(String message) {
                if (!text) {
                    malformed(NullNode.instance, "binary frames are not supported: send JSON text frames");
                } else if (message == null) {
                    malformed(NullNode.instance, "frame is not valid UTF-8");
                } else {
                    onMessageText(message);
                }
            }

            @Override
            public void tooBig() {
                owner.countTooBig();
                closeWith(CloseMessage.MSG_TOO_BIG, "message larger than " + limits.maxMessageBytes() + " bytes");
            }

            @Override
            public void failed(IOException e) {
                IoUtils.safeClose(channel);
            }
        });
    }

    private void onMessageText(String text) {
        if (closing.get()) {
            return;
        }
        Map<String, String> members;
        JsonNode node;
        try {
            members = WireJson.members(text); // validated exactly: a publish stores data as the client wrote it
            node = WireJson.MAPPER.readTree(text);
        } catch (ProtocolException e) {
            malformed(refOf(text), e.getMessage());
            return;
        } catch (JsonProcessingException e) {
            malformed(NullNode.instance, "frame is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        if (members == null || node == null || !node.isObject()) {
            malformed(NullNode.instance, "frame must be a JSON object with a type");
            return;
        }
        JsonNode ref = node.has("ref") ? node.get("ref") : NullNode.instance;
        String channelName = node.path("channel").isTextual() ? node.get("channel").asText() : null;
        try {
            String type = node.path("type").asText("");
            switch (type) {
                case "subscribe" -> onSubscribe(node);
                case "unsubscribe" -> onUnsubscribe(node);
                case "publish" -> onPublish(node, members.get("data"), ref);
                default -> throw new ProtocolException("type",
                        "type must be subscribe, unsubscribe or publish but was \"" + shorten(type) + "\"");
            }
        } catch (ProtocolException e) {
            String shown = Channels.isValid(channelName) ? channelName : null;
            if (e.status() == 400) {
                malformed++;
            }
            if (malformed > limits.malformedLimit()) {
                owner.countMalformedClose();
                closeWith(CloseMessage.MSG_VIOLATES_POLICY, "too many malformed frames");
                return;
            }
            send(Frames.error(ref, shown, e.status(), e.getMessage()));
        }
    }

    /** The frame's {@code ref}, for an error answer, when Jackson can read the frame at all. */
    private static JsonNode refOf(String text) {
        try {
            JsonNode node = WireJson.MAPPER.readTree(text);
            return node != null && node.has("ref") ? node.get("ref") : NullNode.instance;
        } catch (JsonProcessingException | RuntimeException e) {
            return NullNode.instance; // e.g. a number beyond BigDecimal's range: answer without the ref
        }
    }

    private void malformed(JsonNode ref, String detail) {
        malformed++;
        if (malformed > limits.malformedLimit()) {
            owner.countMalformedClose();
            closeWith(CloseMessage.MSG_VIOLATES_POLICY, "too many malformed frames");
            return;
        }
        send(Frames.error(ref, null, 400, detail));
    }

    private void onSubscribe(JsonNode node) {
        String name = Channels.validate(textField(node, "channel"));
        Cursor cursor = cursor(node);
        authorize(name, Authorizer.Action.READ);
        if (!subs.containsKey(name) && subs.size() >= limits.maxChannels()) {
            throw new ProtocolException(429, "channel", "a socket may follow at most " + limits.maxChannels()
                    + " channels");
        }
        subscribe(name, cursor);
    }

    private void onUnsubscribe(JsonNode node) {
        String name = Channels.validate(textField(node, "channel"));
        ChannelSub sub = subs.remove(name);
        if (sub != null) {
            sub.close();
        }
    }

    private void onPublish(JsonNode node, String json, JsonNode ref) {
        String name = Channels.validate(textField(node, "channel"));
        if (json == null) {
            throw new ProtocolException("data", "publish needs a data field (any JSON value)");
        }
        String key = idempotencyKey(node);
        authorize(name, Authorizer.Action.PUBLISH);
        if (publishesInFlight.incrementAndGet() > MAX_PUBLISHES_IN_FLIGHT) {
            publishesInFlight.decrementAndGet();
            throw new ProtocolException(429, "ref", "more than " + MAX_PUBLISHES_IN_FLIGHT
                    + " publishes awaiting their ack on this socket");
        }
        // The store append blocks: it runs on a worker, one publish of this socket at a time, in order.
        publishes.add(() -> {
            try {
                Message stored = owner.service().publish(name, json, key).message(); // a replay acks the first id
                send(Frames.ack(ref, stored));
            } catch (ProtocolException e) {
                send(Frames.error(ref, name, e.status(), e.getMessage()));
            } catch (StoreException e) {
                LOG.log(System.Logger.Level.WARNING, "publish to " + name + " failed: " + e.getMessage());
                send(Frames.error(ref, name, 503, "the message store is unavailable; retry later"));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "publish to " + name + " failed", e);
                send(Frames.error(ref, name, 500, "internal error"));
            } finally {
                publishesInFlight.decrementAndGet();
            }
        });
        if (publishing.compareAndSet(false, true)) {
            channel.getWorker().execute(this::runPublishes);
        }
    }

    /** The publish frame's {@code key} (idempotency key), validated; {@code null} when absent. */
    private static String idempotencyKey(JsonNode node) {
        JsonNode key = node.get("key");
        if (key == null || key.isNull()) {
            return null;
        }
        if (!key.isTextual()) {
            throw new ProtocolException("key", "key must be a string of 1..128 visible ASCII characters");
        }
        return IdempotencyKeys.validate(key.asText(), "key");
    }

    private void runPublishes() {
        while (true) {
            Runnable task;
            while ((task = publishes.poll()) != null) {
                task.run();
            }
            publishing.set(false);
            if (publishes.isEmpty() || !publishing.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void authorize(String name, Authorizer.Action action) {
        boolean allowed;
        try {
            allowed = owner.settings().authorizer().allows(name, action, upgrade);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "authorizer threw for " + action + " on " + name, e);
            allowed = false;
        }
        if (!allowed) {
            throw new ProtocolException(403, "channel", action.name().toLowerCase(Locale.ROOT) + " on channel "
                    + name + " is not allowed");
        }
    }

    private static String textField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new ProtocolException(field, field + " must be a string");
        }
        return value.asText();
    }

    private static Cursor cursor(JsonNode node) {
        JsonNode after = node.get("after");
        JsonNode epoch = node.get("epoch");
        if (epoch != null && !epoch.isNull() && !epoch.isTextual()) {
            throw new ProtocolException("epoch", "epoch must be a string");
        }
        String afterText = null;
        if (after != null && !after.isNull()) {
            // A JSON number: its digits; anything else as written, which Cursor.parse refuses naming "after".
            afterText = after.canConvertToExactIntegral() && after.canConvertToLong()
                    ? Long.toString(after.asLong()) : after.toString();
        }
        return Cursor.parse(epoch == null || epoch.isNull() ? null : epoch.asText(), afterText);
    }

    private static String shorten(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    // ---------------------------------------------------------------- subscriptions

    private void subscribe(String name, Cursor cursor) {
        ChannelSub sub = new ChannelSub(name);
        ChannelSub old = subs.put(name, sub);
        if (old != null) {
            old.close(); // subscribing again replaces the subscription, from the new cursor
        }
        try {
            sub.hub = owner.service().subscribe(name, cursor, sub);
        } catch (IllegalStateException e) {
            subs.remove(name, sub);
            throw new ProtocolException(400, "channel", "the server is shutting down");
        }
        if (closing.get() || sub.closed) {
            sub.close(); // closed or replaced before the hub subscription existed: release it now
        }
    }

    private void closeSubscriptions() {
        for (ChannelSub sub : subs.values()) {
            sub.close();
        }
        subs.clear();
    }

    private void closed() {
        closing.set(true);
        closeSubscriptions();
        outbox.close();
        owner.removed(this);
    }

    /** One channel on this socket: turns the hub's batches into frames. */
    private final class ChannelSub implements Subscriber {
        final String name;
        volatile HubSubscription hub;
        volatile boolean closed;
        boolean joined; // touched on the channel's hub thread only

        ChannelSub(String name) {
            this.name = name;
        }

        @Override
        public void onBatch(ReadResult batch) {
            if (closed) {
                return;
            }
            List<ByteBuffer> frames = new ArrayList<>(3);
            if (!batch.honoured()) {
                frames.add(Frames.reset(name, batch));
            }
            if (!batch.messages().isEmpty()) {
                frames.add(owner.encoded().encode(batch, Frames.MESSAGES));
            }
            if (!joined) {
                joined = true;
                frames.add(Frames.subscribed(name, batch.epoch(), batch.cursor()));
            }
            if (!closing.get()) {
                outbox.send(batch.messages().size(), frames.toArray(new ByteBuffer[0]));
            }
        }

        @Override
        public boolean wantsMore() {
            return closed || outbox.wantsMore(hub);
        }

        @Override
        public void onClose(Throwable cause) {
            subs.remove(name, this);
            if (cause == null) {
                closeWith(CloseMessage.GOING_AWAY, "server shutting down");
            } else {
                String detail = cause instanceof RealtimeException ? cause.getMessage() : "internal error";
                send(Frames.error(NullNode.instance, name, 503, "subscription ended: " + detail));
            }
        }

        void close() {
            closed = true;
            HubSubscription h = hub;
            if (h != null) {
                outbox.forget(h);
                h.close();
            }
        }
    }
}
