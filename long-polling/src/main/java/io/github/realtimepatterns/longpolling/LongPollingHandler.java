package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.StoreException;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.connection.DisconnectWatch;
import io.github.realtimepatterns.core.connection.EncodeCache;
import io.github.realtimepatterns.core.connection.WireFormat;
import io.github.realtimepatterns.core.http.ChannelRequest;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.Problems;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.http.RequestEntry;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mountable handler of the long-polling pattern, built by {@link LongPolling#builder}. Thread-safe.
 *
 * <p>Every poll is one {@link RealtimeService#next} call: "the next messages after this cursor, waiting up
 * to this long". A poll behind what the node holds in memory (the usual case for a client asking again
 * right after an answer while messages keep coming) is answered on its IO thread at once. Any other poll
 * is parked without a thread: the exchange is dispatched to no executor (it stays open when the handler
 * returns), the hub waits for the channel's next batch and ends the wait on its timer, and a
 * {@link DisconnectWatch} cancels the wait as soon as the client goes away. The hub registers the waiter
 * before it reads the store, so a message published between the read and the park is never missed. Each
 * poll is answered exactly once: with the first batch after its cursor (up to {@code limit}), or empty at
 * its cursor on timeout or {@link #close()}. Answers are encoded once per batch ({@link EncodeCache}) and
 * shared as bytes by every poll that gets the same batch.
 */
public final class LongPollingHandler implements RealtimeHandler {

    private static final System.Logger LOG = System.getLogger(LongPollingHandler.class.getName());
    /** The wire format of an answer: the read result as JSON. */
    private static final WireFormat ANSWER = batch -> ByteBuffer.wrap(
            WireJson.readResult(batch).getBytes(StandardCharsets.UTF_8));

    private final RealtimeService service;
    private final RequestEntry entry;
    private final long defaultWaitMillis;
    private final long maxWaitMillis;
    private final HttpHandler routes;
    private final Set<Parked> parked = ConcurrentHashMap.newKeySet();
    private final EncodeCache encoded = new EncodeCache();
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

    /**
     * Requests parked now, waiting for a message or their timeout.
     *
     * @return requests parked now, waiting for a message or their timeout
     */
    public int parkedCount() {
        return parked.size();
    }

    /**
     * Parked requests whose read is done and that now wait for a message or their timeout: the
     * {@link #parkedCount()} minus those whose first read of the store or the hub is still running.
     *
     * @return parked requests whose read is done and that now wait for a message or their timeout: the {@link
     *         #parkedCount()} minus those whose first read of the store or the hub is still running
     */
    public int waitingCount() {
        return service.waitingCount();
    }

    /**
     * Parked requests answered with messages after they waited (for a publish or a store read), since start.
     *
     * @return parked requests answered with messages after they waited (for a publish or a store read), since start
     */
    public long wokenCount() {
        return woken.sum();
    }

    /**
     * Parked requests answered empty at their timeout, since start.
     *
     * @return parked requests answered empty at their timeout, since start
     */
    public long timedOutCount() {
        return timedOut.sum();
    }

    /**
     * Parked requests whose client went away before an answer, since start.
     *
     * @return parked requests whose client went away before an answer, since start
     */
    public long disconnectedCount() {
        return disconnected.sum();
    }

    /**
     * Answers every parked request (empty, at its cursor), then closes the service this handler created.
     * New polls get 503. Idempotent.
     */
    @Override
    public void close() {
        if (!entry.startClosing()) {
            return;
        }
        service.close(); // its hub answers every waiting next(), and so every parked request
    }

    private void poll(HttpServerExchange exchange, ChannelRequest request) {
        String channel = request.channel();
        Cursor cursor = request.cursor();
        int limit = request.limit();
        long waitMillis = waitMillis(Exchanges.query(exchange, "wait"));
        CompletableFuture<ReadResult> answer;
        try {
            answer = service.next(channel, cursor, limit, Duration.ofMillis(waitMillis)).toCompletableFuture();
        } catch (IllegalStateException e) {
            Problems.send(exchange, 503, null, "the server is shutting down; retry later");
            return;
        }
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            // Behind the head the hub knows: answered here from memory, nothing to park or read.
            answeredAtOnce.increment();
            sendJson(exchange, encoded.encode(answer.join(), ANSWER));
            return;
        }
        Parked p = new Parked(exchange, answer, waitMillis == 0);
        // No executor: the exchange stays open after this handler returns and no thread waits for it.
        exchange.dispatch(SameThreadExecutor.INSTANCE, p::start);
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

    private static void sendJson(HttpServerExchange exchange, ByteBuffer json) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(json.duplicate());
    }

    /** One request waiting for its answer: answered once, by the hub's answer or its client leaving. */
    private final class Parked {
        final HttpServerExchange exchange;
        final CompletableFuture<ReadResult> answer;
        final boolean plainRead;
        final AtomicBoolean done = new AtomicBoolean();
        private DisconnectWatch watch; // IO thread only

        Parked(HttpServerExchange exchange, CompletableFuture<ReadResult> answer, boolean plainRead) {
            this.exchange = exchange;
            this.answer = answer;
            this.plainRead = plainRead;
        }

        /** On the exchange's IO thread, once the handler has returned. */
        void start() {
            if (!plainRead) { // a read without wait is not held: nothing to count or watch
                parked.add(this);
                watch = DisconnectWatch.start(exchange, this::disconnected);
            }
            answer.whenComplete(this::answered);
        }

        void disconnected() {
            if (done.compareAndSet(false, true)) {
                parked.remove(this);
                disconnected.increment();
                answer.cancel(false); // the hub releases the wait at once
            }
        }

        /** The hub's answer, on whichever thread completed it; the write goes to the IO thread. */
        void answered(ReadResult result, Throwable error) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            parked.remove(this);
            if (error == null) {
                count(result);
                ByteBuffer json = encoded.encode(result, ANSWER);
                onIoThread(() -> sendJson(exchange, json));
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof StoreException) {
                onIoThread(() -> Problems.send(exchange, 503, null, "the message store is unavailable; retry later"));
            } else if (cause instanceof IllegalStateException) {
                onIoThread(() -> Problems.send(exchange, 503, null, "the server is shutting down; retry later"));
            } else {
                LOG.log(System.Logger.Level.ERROR, "a parked poll failed", cause);
                onIoThread(() -> Problems.send(exchange, 500, null, "internal error"));
            }
        }

        private void count(ReadResult result) {
            boolean news = !result.messages().isEmpty() || !result.honoured();
            if (plainRead) {
                answeredAtOnce.increment();
            } else if (news) {
                woken.increment();
            } else if (!entry.isClosing()) {
                timedOut.increment();
            }
        }

        private void onIoThread(Runnable write) {
            exchange.getIoThread().execute(() -> {
                if (watch != null) {
                    watch.stop(); // the connection's reads go back to Undertow for the next request
                }
                if (!exchange.isComplete() && exchange.getConnection().isOpen()) {
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
