package io.github.realtimepatterns.polling;

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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link RealtimeClient} that polls {@code GET /channels/{c}/messages} every interval.
 *
 * <p>Each subscription is one loop with at most one request in flight: it asks after its cursor, sends
 * {@code If-None-Match} with the last {@code ETag} so that an idle poll costs a {@code 304}, asks again at
 * once while {@code hasMore}, and waits a capped exponential backoff with jitter after a failure. Loops
 * run on {@code java.net.http}'s asynchronous API and a small shared scheduler (two threads), so thousands
 * of subscriptions need no thread each. A subscription started at the head first learns the head with a
 * plain read. Thread-safe; {@link #close()} ends every subscription.
 */
public final class PollingClient implements RealtimeClient {

    private static final System.Logger LOG = System.getLogger(PollingClient.class.getName());

    private final URI base;
    private final Duration interval;
    private final int limit;
    private final Duration requestTimeout;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final HttpPublisher publisher;
    private final Set<Loop> loops = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private PollingClient(Builder b) {
        this.base = HttpPublisher.withSlash(b.base);
        this.interval = b.interval;
        this.limit = b.limit;
        this.requestTimeout = b.requestTimeout;
        this.backoffMin = b.backoffMin;
        this.backoffMax = b.backoffMax;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "rp-polling-client");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = pool;
        this.http = b.http != null ? b.http : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(pool)
                .build();
        this.publisher = new HttpPublisher(http, base, requestTimeout);
    }

    /** A client with the defaults for a polling server at {@code base} (like {@code http://host:8080/}). */
    public static PollingClient create(URI base) {
        return builder(base).build();
    }

    /** A builder for a client of the polling server at {@code base}. */
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
        Loop loop = new Loop(channel, from, listener);
        loops.add(loop);
        scheduler.execute(loop::poll);
        return loop;
    }

    @Override
    public Message publish(String channel, String json) {
        return publisher.publish(channel, json);
    }

    /** Subscriptions running now. */
    public int subscriptionCount() {
        return loops.size();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loops.forEach(Loop::close);
        scheduler.shutdownNow();
    }

    /** One subscription's poll loop; its steps run one at a time. */
    private final class Loop implements ClientSubscription {
        private final String channel;
        private final CursorGate gate;
        private final Backoff backoff = new Backoff(backoffMin, backoffMax);
        private volatile boolean open = true;
        private volatile CompletableFuture<?> inFlight;
        private String etag;
        private Cursor etagPosition;

        Loop(String channel, Cursor from, MessageListener listener) {
            this.channel = channel;
            this.gate = new CursorGate(channel, from, listener);
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
            loops.remove(this);
            CompletableFuture<?> f = inFlight;
            if (f != null) {
                f.cancel(true);
            }
        }

        void poll() {
            if (!open) {
                return;
            }
            Cursor p = gate.position();
            StringBuilder query = new StringBuilder("channels/").append(channel).append("/messages?limit=").append(limit);
            if (!p.isHead()) {
                query.append("&after=").append(p.after());
            }
            if (p.epoch() != null) {
                query.append("&epoch=").append(p.epoch());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(query.toString()))
                    .timeout(requestTimeout)
                    .header("Accept", "application/json")
                    .GET();
            if (etag != null && p.equals(etagPosition)) {
                request.header("If-None-Match", etag);
            }
            try {
                inFlight = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                        .whenCompleteAsync(this::answered, scheduler);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void answered(HttpResponse<String> response, Throwable error) {
            if (!open) {
                return;
            }
            try {
                if (error != null) {
                    failed(new RealtimeException("poll of " + channel + " at " + base + " failed: " + error, error));
                    return;
                }
                int status = response.statusCode();
                if (status == 304) {
                    backoff.reset();
                    schedule(interval);
                    return;
                }
                if (status != 200) {
                    String detail = HttpPublisher.problemDetail(response.body());
                    failed(status >= 400 && status < 500
                            ? new ProtocolException(status, null, "poll of " + channel + " answered " + status + ": " + detail)
                            : new RealtimeException("poll of " + channel + " answered " + status + ": " + detail));
                    return;
                }
                ReadResult result = WireJson.parseReadResult(response.body());
                gate.accept(result);
                backoff.reset();
                etag = response.headers().firstValue("ETag").orElse(null);
                etagPosition = gate.position();
                if (result.hasMore()) {
                    poll();
                } else {
                    schedule(interval);
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void failed(Throwable error) {
            gate.error(error);
            schedule(backoff.next());
        }

        private void schedule(Duration delay) {
            if (!open) {
                return;
            }
            try {
                scheduler.schedule(this::poll, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "client closed; poll loop of " + channel + " ends");
            }
        }
    }

    /** Settings of a {@link PollingClient}; validated at once. */
    public static final class Builder {
        private final URI base;
        private Duration interval = Duration.ofSeconds(1);
        private int limit = 100;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration backoffMin = Duration.ofMillis(250);
        private Duration backoffMax = Duration.ofSeconds(30);
        private HttpClient http;

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /** Time between two polls when nothing more is waiting (default 1 s). */
        public Builder interval(Duration interval) {
            this.interval = positive("interval", interval);
            return this;
        }

        /** Messages per answer, 1..1000 (default 100). */
        public Builder limit(int limit) {
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be in 1..1000 but was " + limit);
            }
            this.limit = limit;
            return this;
        }

        /** Longest wait for one answer (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /** Backoff after failures: from {@code min} doubling up to {@code max}, with jitter (250 ms .. 30 s). */
        public Builder backoff(Duration min, Duration max) {
            positive("backoff min", min);
            positive("backoff max", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("backoff max must be >= min but was " + max + " < " + min);
            }
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        /** The JDK client to use (share one among many clients; force HTTP/1.1). Default: a new one. */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** The client. */
        public PollingClient build() {
            return new PollingClient(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }
    }
}
