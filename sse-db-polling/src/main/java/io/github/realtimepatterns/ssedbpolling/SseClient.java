package io.github.realtimepatterns.ssedbpolling;

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
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Java client of {@link SseDbPolling}: one event stream per subscription over {@code java.net.http}
 * (HTTP/1.1), parsed as the HTML standard says, fed through a {@link CursorGate}.
 *
 * <p>No thread per stream: requests are sent with {@code sendAsync} and bodies arrive through a
 * {@link Flow.Subscriber}, so one client holds thousands of streams on the JDK client's selector thread
 * and a small pool. After the stream ends it reconnects with {@code Last-Event-ID} (and the epoch in the
 * URL) after the server's {@code retry} hint; repeated failures back off exponentially with jitter. A
 * stream that carries no byte (not even a heartbeat) for the idle timeout is dropped and reopened.
 * {@code ready} tells the epoch and head; {@code reset} goes to {@link MessageListener#onReset}.
 *
 * <p>Thread-safe. {@link #close()} ends every subscription; an {@link HttpClient} passed in is not closed.
 */
public final class SseClient implements RealtimeClient {

    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());
    private static final int MAX_LINE_CHARS = 4 * 1024 * 1024;

    private final HttpClient http;
    private final URI base;
    private final HttpPublisher publisher;
    private final Duration idleTimeout;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService timer;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private SseClient(Builder b) {
        this.http = b.http != null ? b.http : HttpPublisher.newHttpClient();
        this.base = HttpPublisher.withSlash(b.base);
        this.publisher = new HttpPublisher(http, base, Duration.ofSeconds(20));
        this.idleTimeout = b.idleTimeout;
        this.minBackoff = b.minBackoff;
        this.maxBackoff = b.maxBackoff;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sse-client-timer");
            t.setDaemon(true);
            return t;
        });
        long check = Math.max(50, idleTimeout.toMillis() / 4);
        timer.scheduleWithFixedDelay(this::checkIdle, check, check, TimeUnit.MILLISECONDS);
    }

    /**
     * A client of the server at {@code base} with the defaults.
     *
     * @param base the server's base URI
     * @return a client of the server at {@code base} with the defaults
     */
    public static SseClient create(URI base) {
        return builder(base).build();
    }

    /**
     * A builder for a client of the server at {@code base} (where {@code channels/...} resolves).
     *
     * @param base the server's base URI
     * @return a builder for a client of the server at {@code base} (where {@code channels/...} resolves)
     */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    @Override
    public ClientSubscription subscribe(String channel, Cursor from, MessageListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("client is closed");
        }
        Stream stream = new Stream(channel, new CursorGate(channel, from, listener));
        streams.add(stream);
        stream.connect(0);
        return stream;
    }

    @Override
    public Message publish(String channel, String json) {
        return publisher.publish(channel, json);
    }

    /**
     * Subscriptions open now.
     *
     * @return subscriptions open now
     */
    public int subscriptionCount() {
        return streams.size();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Stream s : List.copyOf(streams)) {
            s.close();
        }
        timer.shutdownNow();
    }

    private void checkIdle() {
        long now = System.nanoTime();
        for (Stream s : streams) {
            s.checkIdle(now);
        }
    }

    /** One subscription: a chain of connection attempts, one at a time. */
    private final class Stream implements ClientSubscription {
        final String channel;
        final CursorGate gate;
        final Backoff backoff = new Backoff(minBackoff, maxBackoff);
        volatile long retryMillis = 2000;
        volatile Attempt current;
        volatile boolean open = true;
        boolean connectedBefore; // attempts run one at a time, so no two threads touch this at once

        Stream(String channel, CursorGate gate) {
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
            open = false;
            gate.close();
            streams.remove(this);
            Attempt a = current;
            if (a != null) {
                a.cancel();
            }
        }

        void connect(long delayMillis) {
            if (!open || closed.get()) {
                return;
            }
            if (delayMillis > 0) {
                try {
                    timer.schedule(() -> connect(0), delayMillis, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    close(); // the client is closing
                }
                return;
            }
            Attempt attempt = new Attempt(this);
            current = attempt;
            attempt.start(request(connectedBefore));
            connectedBefore = true;
        }

        private HttpRequest request(boolean reconnect) {
            Cursor p = gate.position();
            StringBuilder query = new StringBuilder();
            if (p.epoch() != null) {
                query.append("epoch=").append(p.epoch());
            }
            HttpRequest.Builder b = HttpRequest.newBuilder()
                    .header("Accept", "text/event-stream")
                    .header("Cache-Control", "no-cache");
            if (!p.isHead()) {
                if (reconnect) {
                    b.header("Last-Event-ID", Long.toString(p.after()));
                } else {
                    query.append(query.length() > 0 ? "&" : "").append("after=").append(p.after());
                }
            }
            String path = "channels/" + channel + "/events" + (query.length() > 0 ? "?" + query : "");
            return b.uri(base.resolve(path)).GET().build();
        }

        /** Called once per attempt when it ends; decides when to try again. */
        void ended(Attempt attempt, Throwable error, boolean fatal) {
            if (!open || closed.get()) {
                return;
            }
            if (error != null) {
                gate.error(error);
            }
            if (fatal) {
                LOG.log(System.Logger.Level.WARNING, "stream of " + channel + " refused; not retrying: "
                        + (error == null ? "" : error.getMessage()));
                close();
                return;
            }
            long delay;
            if (attempt.established) {
                // A stream that worked and ended (server restart, cut-off): the server's hint, a little jitter.
                backoff.reset();
                delay = retryMillis + ThreadLocalRandom.current().nextLong(retryMillis / 4 + 1);
            } else {
                delay = Math.max(retryMillis / 4, backoff.next().toMillis());
            }
            connect(delay);
        }

        void checkIdle(long now) {
            Attempt a = current;
            if (a != null && a.streaming && now - a.lastBytes > idleTimeout.toNanos()) {
                a.fail(new RealtimeException("no byte on the stream of " + channel + " for " + idleTimeout
                        + "; reconnecting"), false);
            }
        }
    }

    /** One request and, when it answers 200, its event stream. */
    private final class Attempt implements Flow.Subscriber<List<ByteBuffer>>, EventStreamParser.Handler {
        final Stream stream;
        final AtomicBoolean done = new AtomicBoolean();
        final EventStreamParser parser = new EventStreamParser(this, MAX_LINE_CHARS);
        volatile CompletableFuture<HttpResponse<String>> response;
        volatile Flow.Subscription flow;
        volatile boolean streaming;
        volatile boolean established;
        volatile long lastBytes = System.nanoTime();

        Attempt(Stream stream) {
            this.stream = stream;
        }

        void start(HttpRequest request) {
            CompletableFuture<HttpResponse<String>> cf = http.sendAsync(request, info -> {
                String type = info.headers().firstValue("Content-Type").orElse("");
                if (info.statusCode() == 200 && type.startsWith("text/event-stream")) {
                    streaming = true;
                    lastBytes = System.nanoTime();
                    return HttpResponse.BodySubscribers.fromSubscriber(this, s -> "");
                }
                return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            });
            response = cf;
            cf.whenComplete((r, e) -> {
                if (e != null) {
                    fail(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e, false);
                } else if (streaming) {
                    finish(null, false); // the server ended the stream
                } else {
                    int status = r.statusCode();
                    String detail = HttpPublisher.problemDetail(r.body());
                    boolean fatal = status >= 400 && status < 500 && status != 408 && status != 429;
                    RealtimeException error = fatal
                            ? new ProtocolException(status, null, "stream of " + stream.channel + " answered "
                                    + status + ": " + detail)
                            : new RealtimeException("stream of " + stream.channel + " answered " + status + ": " + detail);
                    finish(error, fatal);
                }
            });
        }

        void cancel() {
            done.set(true);
            Flow.Subscription f = flow;
            if (f != null) {
                f.cancel();
            }
            CompletableFuture<?> cf = response;
            if (cf != null) {
                cf.cancel(true);
            }
        }

        void fail(Throwable error, boolean fatal) {
            if (done.get()) {
                return;
            }
            Flow.Subscription f = flow;
            if (f != null) {
                f.cancel();
            }
            finish(error, fatal);
        }

        private void finish(Throwable error, boolean fatal) {
            if (done.compareAndSet(false, true)) {
                stream.ended(this, error, fatal);
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            flow = subscription;
            if (done.get() || !stream.open) {
                subscription.cancel();
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (done.get()) {
                return;
            }
            lastBytes = System.nanoTime();
            try {
                for (ByteBuffer b : items) {
                    parser.feed(b);
                }
            } catch (RuntimeException e) {
                fail(e, false);
                return;
            }
            flow.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            fail(throwable, false);
        }

        @Override
        public void onComplete() {
            finish(null, false);
        }

        @Override
        public void onEvent(String type, String data, String lastEventId) {
            CursorGate gate = stream.gate;
            switch (type) {
                case "message" -> gate.offer(null, WireJson.parseMessage(data));
                case "ready" -> {
                    JsonNode ready = WireJson.tree(data);
                    established = true;
                    stream.backoff.reset();
                    gate.accept(ReadResult.empty(ready.path("epoch").asText(null), ready.path("cursor").asLong()));
                }
                case "reset" -> {
                    JsonNode reset = WireJson.tree(data);
                    gate.accept(new ReadResult(reset.path("epoch").asText(null), List.of(),
                            reset.path("cursor").asLong(), false, reset.path("reset").asBoolean(),
                            reset.path("truncated").asBoolean()));
                }
                default -> LOG.log(System.Logger.Level.DEBUG, "ignoring event type " + type);
            }
        }

        @Override
        public void onRetry(long millis) {
            stream.retryMillis = Math.max(1, Math.min(millis, maxBackoff.toMillis()));
        }
    }

    /** Settings of an {@link SseClient}; validated at once. */
    public static final class Builder {
        private final URI base;
        private HttpClient http;
        private Duration idleTimeout = Duration.ofSeconds(45);
        private Duration minBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(30);

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /**
         * The JDK client to use (share one; force HTTP/1.1); default a new one from {@link HttpPublisher}.
         *
         * @param http the HTTP client to use
         * @return this builder
         */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /**
         * A stream silent for this long (three server heartbeats by default: 45 s) is reopened.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "idleTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be > 0 but was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Backoff between failed attempts: from {@code min} up to {@code max}, with jitter (250 ms .. 30 s).
         *
         * @param min the smallest value
         * @param max the largest value
         * @return this builder
         */
        public Builder backoff(Duration min, Duration max) {
            new Backoff(min, max); // validates
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /**
         * The client.
         *
         * @return the client
         */
        public SseClient build() {
            return new SseClient(this);
        }
    }
}
