package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.StoreException;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.http.ChannelRequest;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.Problems;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.http.RequestEntry;
import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.hub.Subscriber;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * The mountable handler of the long-polling pattern, built by {@link LongPolling#builder}. Thread-safe.
 *
 * <p>A poll with {@code wait > 0} is parked without a thread: the exchange is dispatched to no executor
 * (it stays open when the handler returns), a {@link io.github.realtimepatterns.core.hub.ChannelHub}
 * subscription waits for the channel's next batch, the XNIO timer of the exchange's IO thread ends the
 * wait, and a close listener on the connection removes it as soon as the client goes away. The hub
 * registers the waiter before it reads the store, so a message published between the read and the park
 * is never missed. Each parked request is answered exactly once: with the first batch after its cursor
 * (up to {@code limit}), with an empty answer at its cursor on timeout or {@link #close()}.
 *
 * <p>A poll whose cursor is behind what the hub already holds in memory (the usual case for a client
 * asking again right after an answer while messages keep coming) is not parked at all: it is answered on
 * its IO thread from {@link io.github.realtimepatterns.core.hub.ChannelHub#readRecent}, with no timer, no
 * subscription and no thread hop. Answers are encoded once per distinct batch and reused as bytes.
 */
public final class LongPollingHandler implements RealtimeHandler {

    private static final System.Logger LOG = System.getLogger(LongPollingHandler.class.getName());
    private static final AttachmentKey<ConnectionWatch> WATCH = AttachmentKey.create(ConnectionWatch.class);
    /** Most bytes of encoded answers kept for reuse. */
    private static final long ENCODED_BYTES = 4 << 20;

    private final RealtimeService service;
    private final RequestEntry entry;
    private final long defaultWaitMillis;
    private final long maxWaitMillis;
    private final HttpHandler routes;
    private final Set<Parked> parked = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Encoded lastEncoded;
    private final ConcurrentHashMap<AnswerKey, byte[]> encoded = new ConcurrentHashMap<>();
    private final AtomicLong encodedBytes = new AtomicLong();
    private final LongAdder answeredAtOnce = new LongAdder();
    private final LongAdder woken = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder disconnected = new LongAdder();

    LongPollingHandler(RealtimeService service, HttpSettings settings, Duration timeout, Duration maxTimeout) {
        this.service = service;
        this.entry = RequestEntry.of(settings);
        this.defaultWaitMillis = timeout.toMillis();
        this.maxWaitMillis = maxTimeout.toMillis();
        this.routes = RealtimeRoutes.builder(service, entry)
                .get("/channels/{channel}/messages", entry.read().to(this::poll))
                .script("/realtime/long-polling.js", LongPollingHandler.class, "long-polling.js")
                .metric("parked", this::parkedCount)
                .metric("waiting", this::waitingCount)
                .metric("answeredAtOnce", answeredAtOnce::sum)
                .metric("woken", woken::sum)
                .metric("timedOut", timedOut::sum)
                .metric("disconnected", disconnected::sum)
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
        return "long-polling";
    }

    /** Requests parked now, waiting for a message or their timeout. */
    public int parkedCount() {
        return parked.size();
    }

    /**
     * Parked requests whose join is done and that now wait for a message or their timeout: the
     * {@link #parkedCount()} minus those still being joined (their first read of the store or the hub).
     */
    public int waitingCount() {
        return waiting.get();
    }

    /** Parked requests answered because a message arrived, since start. */
    public long wokenCount() {
        return woken.sum();
    }

    /** Parked requests answered empty at their timeout, since start. */
    public long timedOutCount() {
        return timedOut.sum();
    }

    /** Parked requests whose client went away before an answer, since start. */
    public long disconnectedCount() {
        return disconnected.sum();
    }

    /**
     * Answers every parked request (empty, at its cursor; from a store read for one whose join read had
     * not landed yet),
     * then closes the service this handler created. New polls get 503. Idempotent.
     */
    @Override
    public void close() {
        if (!entry.startClosing()) {
            return;
        }
        for (Parked p : List.copyOf(parked)) {
            p.shutdown(true);
        }
        service.close();
    }

    private void poll(HttpServerExchange exchange, ChannelRequest request) {
        String channel = request.channel();
        Cursor cursor = request.cursor();
        int limit = request.limit();
        long waitMillis = waitMillis(Exchanges.query(exchange, "wait"));
        ReadResult ready = service.readRecent(channel, cursor, limit);
        if (ready != null && !ready.messages().isEmpty()) {
            // Behind the head the hub knows: answered here from memory, nothing to park or read.
            answeredAtOnce.increment();
            sendJson(exchange, json(ready));
            return;
        }
        if (waitMillis == 0) {
            Exchanges.dispatch(exchange, () -> {
                answeredAtOnce.increment();
                Exchanges.sendJson(exchange, 200, WireJson.readResult(service.read(channel, cursor, limit)));
            });
            return;
        }
        // No executor: the exchange stays open after this handler returns and no thread waits for it.
        exchange.dispatch(SameThreadExecutor.INSTANCE,
                () -> Exchanges.guarded(exchange, () -> park(exchange, channel, cursor, limit, waitMillis)));
    }

    /** The hold asked for, in milliseconds: {@code wait} seconds, capped at the maximum; absent: the default. */
    private long waitMillis(String wait) {
        if (wait == null) {
            return defaultWaitMillis;
        }
        long seconds = Exchanges.parseLong("wait", wait, 0, Long.MAX_VALUE);
        if (seconds == 0) {
            return 0;
        }
        return seconds > maxWaitMillis / 1000 ? maxWaitMillis : Math.min(seconds * 1000, maxWaitMillis);
    }

    private void park(HttpServerExchange exchange, String channel, Cursor cursor, int limit, long waitMillis) {
        Parked p = new Parked(exchange, channel, cursor, limit);
        parked.add(p);
        ConnectionWatch watch = exchange.getConnection().getAttachment(WATCH);
        if (watch == null) {
            // One listener per connection (not per request): keep-alive connections carry many polls.
            watch = new ConnectionWatch();
            exchange.getConnection().putAttachment(WATCH, watch);
            exchange.getConnection().addCloseListener(watch);
        }
        watch.current = p;
        p.watchForEof();
        p.timer = exchange.getIoThread().executeAfter(p::timeout, waitMillis, TimeUnit.MILLISECONDS);
        if (!exchange.getConnection().isOpen()) {
            p.disconnected();
            return;
        }
        try {
            p.subscription = service.subscribe(channel, cursor, p);
        } catch (IllegalStateException e) {
            p.fail(503, "the server is shutting down; retry later");
            return;
        }
        if (p.done.get()) {
            p.subscription.close();
        }
        if (entry.isClosing()) {
            p.shutdown(false);
        }
    }

    /**
     * The answer's JSON as UTF-8. One publish wakes every waiter of a channel with the same batch instance,
     * so the last one encoded is kept: ten thousand waiters cost one encoding, not ten thousand. Polls
     * answered from memory get equal batches in new instances; those are found by what identifies their
     * content (epoch and ids), in a cache cleared whenever it grows past {@link #ENCODED_BYTES}.
     */
    private byte[] json(ReadResult result) {
        Encoded last = lastEncoded;
        if (last != null && last.result == result) {
            return last.json;
        }
        AnswerKey key = AnswerKey.of(result);
        byte[] json = key == null ? null : encoded.get(key);
        if (json == null) {
            json = WireJson.readResult(result).getBytes(StandardCharsets.UTF_8);
            if (key != null) {
                if (encodedBytes.addAndGet(json.length) > ENCODED_BYTES) {
                    encoded.clear();
                    encodedBytes.set(json.length);
                }
                encoded.put(key, json);
            }
        }
        lastEncoded = new Encoded(result, json);
        return json;
    }

    private static void sendJson(HttpServerExchange exchange, byte[] json) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(json));
    }

    private record Encoded(ReadResult result, byte[] json) {
    }

    /**
     * What fixes the content of an honoured, non-empty batch: stored messages never change, so the same
     * epoch, ids and flags always encode alike.
     */
    private record AnswerKey(String epoch, long first, long last, int count, long cursor, boolean hasMore) {
        static AnswerKey of(ReadResult r) {
            if (r.messages().isEmpty() || !r.honoured()) {
                return null;
            }
            List<Message> m = r.messages();
            return new AnswerKey(r.epoch(), m.get(0).id(), m.get(m.size() - 1).id(), m.size(), r.cursor(), r.hasMore());
        }
    }

    /** The request parked on a connection now, so that the connection's close removes it. */
    private static final class ConnectionWatch implements ServerConnection.CloseListener {
        volatile Parked current;

        @Override
        public void closed(ServerConnection connection) {
            Parked p = current;
            current = null;
            if (p != null) {
                p.disconnected();
            }
        }
    }

    /** One parked request: answered once, by a batch, its timer, a shutdown or its client leaving. */
    private final class Parked implements Subscriber {
        final HttpServerExchange exchange;
        final String channel;
        final Cursor cursor;
        final int limit;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicBoolean waitingCounted = new AtomicBoolean();
        volatile HubSubscription subscription;
        volatile XnioExecutor.Key timer;
        private ChannelListener<? super ConduitStreamSourceChannel> httpReadListener; // IO thread only
        private boolean joined; // guarded by this
        private boolean expired; // guarded by this

        Parked(HttpServerExchange exchange, String channel, Cursor cursor, int limit) {
            this.exchange = exchange;
            this.channel = channel;
            this.cursor = cursor;
            this.limit = limit;
        }

        @Override
        public void onBatch(ReadResult batch) {
            boolean first;
            boolean late;
            synchronized (this) {
                first = !joined;
                joined = true;
                late = expired;
            }
            boolean news = !batch.messages().isEmpty() || !batch.honoured();
            if (first && !news && !late && waitingCounted.compareAndSet(false, true)) {
                waiting.incrementAndGet();
                if (done.get() && waitingCounted.compareAndSet(true, false)) {
                    waiting.decrementAndGet(); // answered meanwhile: finish() ran before the count
                }
            }
            if (news) {
                if (finish(first ? answeredAtOnce : woken)) {
                    send(batch.limitTo(limit));
                }
            } else if (late && finish(timedOut)) {
                send(batch);
            }
        }

        @Override
        public void onClose(Throwable cause) {
            if (cause instanceof StoreException) {
                fail(503, "the message store is unavailable; retry later");
            } else if (cause != null) {
                fail(500, "internal error");
            } else {
                shutdown(true);
            }
        }

        /**
         * Undertow does not read a connection while its request is being handled, so a client that goes
         * away is not noticed until a write fails. Reading it while parked sees the end of stream at
         * once; the close then fires the connection's close listener. Runs on the IO thread.
         */
        void watchForEof() {
            ConduitStreamSourceChannel source = source();
            if (source == null) {
                return; // not an HTTP/1.1 connection: its close listener still fires when Undertow notices
            }
            httpReadListener = source.getReadListener();
            source.getReadSetter().set(this::readable);
            source.resumeReads();
        }

        private void readable(ConduitStreamSourceChannel source) {
            ServerConnection connection = exchange.getConnection();
            PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
            boolean handedBack = false;
            try {
                int n = source.read(pooled.getBuffer());
                if (n < 0) {
                    source.suspendReads();
                    IoUtils.safeClose(connection);
                } else if (n > 0) {
                    // A pipelined next request: give its bytes back to Undertow and stop watching.
                    source.suspendReads();
                    pooled.getBuffer().flip();
                    ((HttpServerConnection) connection).ungetRequestBytes(pooled);
                    handedBack = true;
                }
            } catch (IOException e) {
                IoUtils.safeClose(connection);
            } finally {
                if (!handedBack) {
                    pooled.close();
                }
            }
        }

        private ConduitStreamSourceChannel source() {
            return exchange.getConnection() instanceof HttpServerConnection http
                    ? http.getChannel().getSourceChannel() : null;
        }

        /** Gives the connection's reads back to Undertow before answering, for the next request. IO thread. */
        private void stopWatching() {
            if (httpReadListener != null) {
                ConduitStreamSourceChannel source = source();
                source.suspendReads();
                source.getReadSetter().set(httpReadListener);
                httpReadListener = null;
            }
        }

        void timeout() {
            synchronized (this) {
                if (!joined) {
                    expired = true; // the join read answers as soon as it lands
                    return;
                }
            }
            if (finish(timedOut)) {
                send(emptyAtPosition());
            }
        }

        /**
         * Answers for a shutdown: empty at the position once the join read is known; before that, from a
         * read of the store when {@code mayRead} (never on an IO thread), else 503.
         */
        void shutdown(boolean mayRead) {
            boolean known;
            synchronized (this) {
                known = joined;
            }
            if (known) {
                if (finish(null)) {
                    send(emptyAtPosition());
                }
                return;
            }
            if (!mayRead) {
                fail(503, "the server is shutting down; retry later");
                return;
            }
            ReadResult now;
            try {
                now = service.read(channel, cursor, limit);
            } catch (RuntimeException e) {
                fail(503, "the server is shutting down; retry later");
                return;
            }
            if (finish(null)) {
                send(now);
            }
        }

        void disconnected() {
            finish(disconnected);
        }

        void fail(int status, String detail) {
            if (finish(null)) {
                onIoThread(() -> Problems.send(exchange, status, null, detail));
            }
        }

        /**
         * Claims the one answer, counts it under {@code outcome} (when not null) and releases the timer,
         * the hub subscription and the gauge, in that order so that the gauge never leads the counters.
         */
        private boolean finish(LongAdder outcome) {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            if (outcome != null) {
                outcome.increment();
            }
            if (waitingCounted.compareAndSet(true, false)) {
                waiting.decrementAndGet();
            }
            parked.remove(this);
            XnioExecutor.Key t = timer;
            if (t != null) {
                t.remove();
            }
            HubSubscription s = subscription;
            if (s != null) {
                s.close();
            }
            return true;
        }

        private ReadResult emptyAtPosition() {
            HubSubscription s = subscription;
            Cursor at = s != null ? s.position() : cursor;
            return ReadResult.empty(at.epoch(), Math.max(0, at.after()));
        }

        private void send(ReadResult result) {
            byte[] json = json(result);
            onIoThread(() -> sendJson(exchange, json));
        }

        private void onIoThread(Runnable write) {
            exchange.getIoThread().execute(() -> {
                if (!exchange.isComplete() && exchange.getConnection().isOpen()) {
                    stopWatching();
                    try {
                        write.run();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "answering a parked poll failed", e);
                        exchange.endExchange();
                    }
                }
            });
        }
    }
}
