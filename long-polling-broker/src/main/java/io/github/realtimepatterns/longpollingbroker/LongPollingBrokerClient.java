package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.client.MessageListener;
import io.github.realtimepatterns.core.client.ReadLoopBuilder;
import io.github.realtimepatterns.core.client.ReadLoopClient;
import io.github.realtimepatterns.core.client.RealtimeClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

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

    private final List<URI> nodes;
    private final Duration wait;
    private final int limit;
    private final Duration requestTimeout;
    private final ReadLoopClient loops;
    private final List<HttpPublisher> publishers;
    private final AtomicInteger nextPublisher = new AtomicInteger();
    private final AtomicInteger nextStart = new AtomicInteger();

    private LongPollingBrokerClient(Builder b) {
        this.nodes = b.nodes.stream().map(HttpPublisher::withSlash).toList();
        this.wait = b.wait;
        this.limit = b.limit();
        this.requestTimeout = b.requestTimeout();
        this.loops = b.newLoop("long-poll", "rp-long-polling-broker-client");
        this.publishers = nodes.stream().map(n -> new HttpPublisher(loops.http(), n, requestTimeout)).toList();
    }

    /**
     * A client with the defaults for the cluster nodes at {@code nodes} (like {@code http://host:8080/}).
     *
     * @param nodes the nodes
     * @return a client with the defaults for the cluster nodes at {@code nodes} (like {@code http://host:8080/})
     */
    public static LongPollingBrokerClient create(List<URI> nodes) {
        return builder(nodes).build();
    }

    /**
     * A builder for a client of the nodes at {@code nodes} (at least one; a load balancer counts as one).
     *
     * @param nodes the nodes
     * @return a builder for a client of the nodes at {@code nodes} (at least one; a load balancer counts as one)
     */
    public static Builder builder(List<URI> nodes) {
        return new Builder(nodes);
    }

    @Override
    public ClientSubscription subscribe(String channel, Cursor from, MessageListener listener) {
        // Subscriptions start on different nodes so that many of them spread over the cluster at once.
        int firstNode = Math.floorMod(nextStart.getAndIncrement(), nodes.size());
        return loops.subscribe(channel, from, listener, new RotatingPoller(channel, firstNode));
    }

    /** Publishes through the next node in turn; see {@link RealtimeClient#publish}. */
    @Override
    public Message publish(String channel, String json) {
        return publishers.get(Math.floorMod(nextPublisher.getAndIncrement(), publishers.size())).publish(channel, json);
    }

    /**
     * The nodes, in the order polls visit them.
     *
     * @return the nodes, in the order polls visit them
     */
    public List<URI> nodes() {
        return nodes;
    }

    /**
     * Poll requests sent by all subscriptions, since start.
     *
     * @return poll requests sent by all subscriptions, since start
     */
    public long requestCount() {
        return loops.requestCount();
    }

    /**
     * Subscriptions running now.
     *
     * @return subscriptions running now
     */
    public int subscriptionCount() {
        return loops.subscriptionCount();
    }

    @Override
    public void close() {
        loops.close();
    }

    /** One subscription's reads: parked polls, each to the next node in turn. */
    private final class RotatingPoller implements ReadLoopClient.Reader {
        private final String channel;
        private int node;

        RotatingPoller(String channel, int firstNode) {
            this.channel = channel;
            this.node = firstNode;
        }

        @Override
        public ReadLoopClient.Read next(Cursor position) {
            URI base = nodes.get(node);
            node = (node + 1) % nodes.size();
            return ReadLoopClient.longPoll(base, channel, position, limit, wait, requestTimeout);
        }

        @Override
        public Duration afterRead(ReadResult result, HttpResponse<String> response, Cursor position) {
            return Duration.ZERO;
        }
    }

    /** Settings of a {@link LongPollingBrokerClient}; validated at once. */
    public static final class Builder extends ReadLoopBuilder<Builder> {
        private final List<URI> nodes;
        private Duration wait = Duration.ofSeconds(25);

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
         *
         * @param wait how long to wait
         * @return this builder
         */
        public Builder wait(Duration wait) {
            positive("wait", wait);
            if (wait.toSeconds() < 1) {
                throw new IllegalArgumentException("wait must be at least 1 s but was " + wait);
            }
            this.wait = wait;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The client.
         *
         * @return the client
         */
        public LongPollingBrokerClient build() {
            return new LongPollingBrokerClient(this);
        }
    }
}
