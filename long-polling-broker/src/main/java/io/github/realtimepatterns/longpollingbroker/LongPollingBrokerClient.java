package io.github.realtimepatterns.longpollingbroker;

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
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RealtimeClient} for a long-polling cluster that balances its own polls: each subscription sends
 * each long-poll to the next node of the list it was given, keeping its cursor, so no node needs to have
 * seen the client before (no sticky sessions). A node that fails (refused, reset, 5xx, timed out) is
 * skipped: the subscription backs off (capped exponential with jitter) and asks the next node from the same
 * cursor, so a node that dies mid-stream costs a retry, never a message. With one URI (a load balancer in
 * front of the nodes) it behaves as the long-polling client.
 *
 * <p>Publishes also rotate over the nodes; a publish that fails is not retried on another node (it may
 * have been stored), it throws. Polls run on {@code java.net.http}'s asynchronous API and a two-thread
 * scheduler: a parked poll holds a connection, not a thread. Thread-safe; {@link #close()} ends every
 * subscription.
 */
public final class LongPollingBrokerClient implements RealtimeClient {

    private static final System.Logger LOG = System.getLogger(LongPollingBrokerClient.class.getName());

    private final List<URI> nodes;
    private final Duration wait;
    private final int limit;
    private final Duration requestTimeout;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final List<HttpPublisher> publishers;
    private final AtomicInteger nextPublisher = new AtomicInteger();
    private final AtomicInteger nextStart = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final Set<Loop> loops = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LongPollingBrokerClient(Builder b) {
        this.nodes = b.nodes.stream().map(HttpPublisher::withSlash).toList();
        this.wait = b.wait;
        this.limit = b.limit;
        this.requestTimeout = b.requestTimeout;
        this.backoffMin = b.backoffMin;
        this.backoffMax = b.backoffMax;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "rp-long-polling-broker-client");
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
        this.publishers = nodes.stream().map(n -> new HttpPublisher(http, n, requestTimeout)).toList();
    }

    /** A client with the defaults for the cluster nodes at {@code nodes} (like {@code http://host:8080/}). */
    public static LongPollingBrokerClient create(List<URI> nodes) {
        return builder(nodes).build();
    }

    /** A builder for a client of the nodes at {@code nodes} (at least one; a load balancer counts as one). */
    public static Builder builder(List<URI> nodes) {
        return new Builder(nodes);
    }

    @Override
    public ClientSubscription subscribe(String channel, Cursor from, MessageListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("client is closed");
        }
        // Subscriptions start on different nodes so that many of them spread over the cluster at once.
        Loop loop = new Loop(channel, from, listener, Math.floorMod(nextStart.getAndIncrement(), nodes.size()));
        loops.add(loop);
        scheduler.execute(loop::poll);
        return loop;
    }

    /** Publishes through the next node in turn; see {@link RealtimeClient#publish}. */
    @Override
    public Message publish(String channel, String json) {
        return publishers.get(Math.floorMod(nextPublisher.getAndIncrement(), publishers.size())).publish(channel, json);
    }

    /** The nodes, in the order polls visit them. */
    public List<URI> nodes() {
        return nodes;
    }

    /** Poll requests sent by all subscriptions, since start. */
    public long requestCount() {
        return requests.get();
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
        private int node; // touched by one step at a time
        private volatile boolean open = true;
        private volatile CompletableFuture<?> inFlight;

        Loop(String channel, Cursor from, MessageListener listener, int firstNode) {
            this.channel = channel;
            this.gate = new CursorGate(channel, from, listener);
            this.node = firstNode;
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
            URI base = nodes.get(node);
            node = (node + 1) % nodes.size();
            Cursor p = gate.position();
            StringBuilder query = new StringBuilder("channels/").append(channel).append("/messages?limit=").append(limit);
            if (!p.isHead()) {
                query.append("&after=").append(p.after());
            }
            if (p.epoch() != null) {
                query.append("&epoch=").append(p.epoch());
            }
            // From the head, a plain read first: it tells the head, so what is published next counts as new.
            long waitSeconds = p.isHead() ? 0 : Math.max(1, wait.toSeconds());
            query.append("&wait=").append(waitSeconds);
            HttpRequest request = HttpRequest.newBuilder(base.resolve(query.toString()))
                    .timeout(requestTimeout.plusSeconds(waitSeconds))
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            try {
                requests.incrementAndGet();
                inFlight = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .whenCompleteAsync((response, error) -> answered(base, response, error), scheduler);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void answered(URI base, HttpResponse<String> response, Throwable error) {
            if (!open) {
                return;
            }
            try {
                if (error != null) {
                    failed(new RealtimeException("long-poll of " + channel + " at " + base + " failed: " + error, error));
                    return;
                }
                int status = response.statusCode();
                if (status != 200) {
                    String detail = HttpPublisher.problemDetail(response.body());
                    failed(status >= 400 && status < 500
                            ? new ProtocolException(status, null, "long-poll of " + channel + " at " + base
                                    + " answered " + status + ": " + detail)
                            : new RealtimeException("long-poll of " + channel + " at " + base + " answered "
                                    + status + ": " + detail));
                    return;
                }
                ReadResult result = WireJson.parseReadResult(response.body());
                gate.accept(result);
                backoff.reset();
                poll();
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void failed(Throwable error) {
            gate.error(error);
            if (!open) {
                return;
            }
            try {
                scheduler.schedule(this::poll, backoff.next().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "client closed; poll loop of " + channel + " ends");
            }
        }
    }

    /** Settings of a {@link LongPollingBrokerClient}; validated at once. */
    public static final class Builder {
        private final List<URI> nodes;
        private Duration wait = Duration.ofSeconds(25);
        private int limit = 100;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration backoffMin = Duration.ofMillis(250);
        private Duration backoffMax = Duration.ofSeconds(30);
        private HttpClient http;

        private Builder(List<URI> nodes) {
            Objects.requireNonNull(nodes, "nodes");
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("nodes must name at least one node but was empty");
            }
            nodes.forEach(n -> Objects.requireNonNull(n, "node"));
            this.nodes = List.copyOf(nodes);
        }

        /**
         * How long a node may hold each poll, in whole seconds, at least 1 (default 25 s; nodes cap it at
         * their maximum).
         */
        public Builder wait(Duration wait) {
            positive("wait", wait);
            if (wait.toSeconds() < 1) {
                throw new IllegalArgumentException("wait must be at least 1 s but was " + wait);
            }
            this.wait = wait;
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

        /** Longest wait for one answer beyond the poll's own {@code wait} (default 10 s). */
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
        public LongPollingBrokerClient build() {
            return new LongPollingBrokerClient(this);
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
