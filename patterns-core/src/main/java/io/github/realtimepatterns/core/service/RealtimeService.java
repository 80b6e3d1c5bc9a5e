package io.github.realtimepatterns.core.service;

import io.github.realtimepatterns.core.AppendResult;
import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.IdempotencyKeys;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.hub.ChannelHub;
import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.hub.Subscriber;
import io.github.realtimepatterns.core.store.MessageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every transport calls: {@link #publish} (append, then notify after commit), {@link #read},
 * {@link #next} and {@link #subscribe}, and what a transport or a metrics page needs to know about the node
 * (counts, {@link #health()}). It owns the node's {@link ChannelHub}; its store, broker and hub are not
 * handed out.
 *
 * <p>Several patterns mounted on one server share one service: build it once and give it to each
 * pattern's builder ({@code Polling.builder(service)}, {@code LongPolling.builder(service)}, ...), so that
 * a publish through any of them wakes every pattern's subscribers at once. Two services over one store
 * instance whose publishes could not reach each other (each with an in-JVM broker of its own, as two
 * handlers built over one store with their defaults) are refused: {@link Builder#build()} throws
 * {@link IllegalStateException} saying what to share.
 *
 * <p>Thread-safe. {@link #publish} and {@link #read} block on the store: call them off IO threads.
 * {@link #close()} closes the hub (ending every subscription) and the broker and change source it created
 * itself; a store, broker or change source passed in is left open for its owner to close.
 */
public final class RealtimeService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RealtimeService.class.getName());

    /** Largest {@code limit} a read may ask for. */
    public static final int MAX_LIMIT = 1000;

    private final MessageStore store;
    private final Broker broker;
    private final ChangeSource changeSource;
    private final ChannelHub hub;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final LongAdder published = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder failedNotifications = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RealtimeService sharedFrom; // the service this is a handler's view of, or null
    private final StoreClaims.Claim claim; // null for a view

    private RealtimeService(Builder b) {
        this.store = b.store;
        this.sharedFrom = null;
        if (b.broker != null) {
            this.broker = b.broker;
        } else {
            InJvmBroker own = new InJvmBroker();
            owned.add(own);
            this.broker = own;
        }
        try {
            this.claim = StoreClaims.claim(store, broker);
        } catch (IllegalStateException refused) {
            if (b.ownsChangeSource) {
                owned.add(0, b.changeSource);
            }
            closeOwned();
            throw refused;
        }
        this.changeSource = b.changeSource != null ? b.changeSource : broker;
        if (b.ownsChangeSource) {
            owned.add(0, changeSource);
        }
        ChannelHub.Builder hubBuilder = ChannelHub.builder(store, changeSource).sweepInterval(b.sweepInterval)
                .linger(b.linger).maxLingering(b.maxLingering);
        if (b.hubThreads > 0) {
            hubBuilder.threads(b.hubThreads);
        }
        this.hub = hubBuilder.build();
    }

    /** A handler's view of {@code shared}: the same store, broker and hub; see {@link #shared()}. */
    private RealtimeService(RealtimeService shared) {
        this.store = shared.store;
        this.broker = shared.broker;
        this.changeSource = shared.changeSource;
        this.hub = shared.hub;
        this.sharedFrom = shared;
        this.claim = null;
    }

    /**
     * This service as one of the handlers mounted over it uses it: every call goes to this service's store,
     * broker and hub (its {@link #publishedCount()} counts what was published through it), and closing what
     * this returns leaves this service open. The pattern
     * builders that take a service ({@code Polling.builder(service)}, ...) give their handler one, so that
     * closing a handler never ends the subscriptions of the others; close this service after them.
     *
     * @return this service as one of the handlers mounted over it uses it: every call goes to this service's store,
     *         broker and hub (its {@link #publishedCount()} counts what was published through it), and closing what
     *         this returns leaves this service open
     * @throws IllegalStateException when this service is closed
     */
    public RealtimeService shared() {
        if (closed.get()) {
            throw new IllegalStateException("the service is closed");
        }
        return new RealtimeService(sharedFrom != null ? sharedFrom : this);
    }

    /**
     * A builder for a service over {@code store}. By default it notifies and listens through its own
     * {@link InJvmBroker}: right for one node.
     *
     * @param store the message store (the truth)
     * @return a builder for a service over {@code store}
     */
    public static Builder builder(MessageStore store) {
        return new Builder(store);
    }

    /**
     * Validates and stores {@code json} as the next message of {@code channel}, then notifies the broker.
     * A broker failure is counted and logged, not thrown: the message is stored, cursors deliver it.
     *
     * @param channel the channel's name
     * @param json the message data, a JSON value as text
     * @return the stored message, with its id
     * @throws io.github.realtimepatterns.core.ProtocolException for an invalid channel or body
     * @throws io.github.realtimepatterns.core.StoreException when the store cannot take it (nothing stored)
     */
    public Message publish(String channel, String json) {
        return publish(channel, json, null).message();
    }

    /**
     * Like {@link #publish(String, String)}, idempotent under {@code idempotencyKey}: a retry with the same
     * key on the same channel within {@link MessageStore#IDEMPOTENCY_WINDOW} (on any node sharing the store)
     * stores and announces nothing and answers the first stored message, with {@code stored == false}. A
     * client whose publish got no answer (timeout, connection lost) retries with the same key: the outcome
     * of the first try was unknown, and the key makes the retry safe.
     *
     * @param idempotencyKey valid per {@link io.github.realtimepatterns.core.IdempotencyKeys}, or {@code null}
     * @param channel the channel's name
     * @param json the message data, a JSON value as text
     * @return the stored message: the one this call stored, or the one an earlier publish stored under the same key
     * @throws io.github.realtimepatterns.core.ProtocolException for an invalid channel, body or key (field
     *                                                           {@code key})
     * @throws io.github.realtimepatterns.core.StoreException when the store cannot take it (nothing stored)
     */
    public AppendResult publish(String channel, String json, String idempotencyKey) {
        Channels.validate(channel);
        if (idempotencyKey != null) {
            IdempotencyKeys.validate(idempotencyKey, "key");
        }
        String data = WireJson.compact(json);
        AppendResult result = store.append(channel, data, idempotencyKey);
        if (!result.stored()) {
            replayed.increment();
            return result; // the first publish announced it
        }
        Message message = result.message();
        published.increment();
        try {
            broker.publish(message);
        } catch (BrokerException e) {
            failedNotifications.increment();
            LOG.log(System.Logger.Level.WARNING, "stored " + channel + "#" + message.id()
                    + " but could not notify the broker; subscribers get it from the store: " + e.getMessage());
        }
        return result;
    }

    /**
     * What is after {@code cursor} in {@code channel}, at most {@code limit} (1..{@value #MAX_LIMIT}) messages.
     *
     * @param channel the channel's name
     * @param cursor where to start: the position after which messages are wanted
     * @param limit most messages to answer
     * @return what is after {@code cursor} in {@code channel}, at most {@code limit} (1..{@value #MAX_LIMIT})
     *         messages
     */
    public ReadResult read(String channel, Cursor cursor, int limit) {
        Channels.validate(channel);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + " but was " + limit);
        }
        return store.read(channel, cursor, limit);
    }

    /**
     * The next messages of {@code channel} after {@code cursor}, at most {@code limit}
     * (1..{@value #MAX_LIMIT}), waiting up to {@code wait} for one: what a long-poll answers. Complete on
     * return when this node's memory already holds messages after the cursor; never blocks the caller. See
     * {@link ChannelHub#next} for the rest of the contract (timeouts, cancelling, shared answers).
     *
     * @param channel the channel's name
     * @param cursor where to start: the position after which messages are wanted
     * @param limit most messages to answer
     * @param wait how long to wait
     * @return the next messages of {@code channel} after {@code cursor}, at most {@code limit} (1..{@value
     *         #MAX_LIMIT}), waiting up to {@code wait} for one: what a long-poll answers
     * @throws io.github.realtimepatterns.core.ProtocolException for an invalid channel
     * @throws IllegalArgumentException for a limit out of range or a negative wait
     * @throws IllegalStateException when the service is closed
     */
    public CompletionStage<ReadResult> next(String channel, Cursor cursor, int limit, Duration wait) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + " but was " + limit);
        }
        return hub.next(channel, cursor, limit, wait);
    }

    /**
     * {@link #next} calls waiting now for a message or their timeout (their read found nothing).
     *
     * @return {@link #next} calls waiting now for a message or their timeout (their read found nothing)
     */
    public int waitingCount() {
        return hub.waitingCount();
    }

    /**
     * Subscribes through this node's hub; see {@link ChannelHub#subscribe}.
     *
     * @param channel the channel's name
     * @param cursor where to start: the position after which messages are wanted
     * @param subscriber what receives the batches
     * @return the subscription; close it to leave the channel
     */
    public HubSubscription subscribe(String channel, Cursor cursor, Subscriber subscriber) {
        return hub.subscribe(channel, cursor, subscriber);
    }

    /**
     * Whether the store answers now and the broker and change source are connected. Blocks on the store
     * (its health query): call it off IO threads.
     *
     * @return whether the store answers now and the broker and change source are connected
     */
    public Health health() {
        String storeProblem = null;
        try {
            store.checkHealth();
        } catch (RealtimeException e) {
            storeProblem = e.getMessage();
        }
        return new Health(storeProblem, changeSource.isHealthy(), changeSource.describe(), broker.isHealthy());
    }

    /**
     * Subscribers on this node now (open streams, sockets' subscriptions, waiting {@link #next} calls).
     *
     * @return subscribers on this node now (open streams, sockets' subscriptions, waiting {@link #next} calls)
     */
    public int subscriberCount() {
        return hub.subscriberCount();
    }

    /**
     * Channels this node follows now: those with subscribers and those lingering after their last one left.
     *
     * @return channels this node follows now: those with subscribers and those lingering after their last one left
     */
    public int channelCount() {
        return hub.channelCount();
    }

    /**
     * Store reads made for subscribers (joins, gaps, resyncs, sweeps), since start; {@link #read} not included.
     *
     * @return store reads made for subscribers (joins, gaps, resyncs, sweeps), since start; {@link #read} not
     *         included
     */
    public long subscriptionReads() {
        return hub.storeReads();
    }

    /**
     * Subscriber joins answered from recent messages instead of a store read, since start.
     *
     * @return subscriber joins answered from recent messages instead of a store read, since start
     */
    public long joinsFromMemory() {
        return hub.joinsFromMemory();
    }

    /**
     * Messages handed to subscribers, counted once per subscriber, since start.
     *
     * @return messages handed to subscribers, counted once per subscriber, since start
     */
    public long deliveredCount() {
        return hub.deliveredMessages();
    }

    /**
     * Queries the store has run (reads, appends, trims), since it opened; 0 if the store does not count.
     *
     * @return queries the store has run (reads, appends, trims), since it opened; 0 if the store does not count
     */
    public long storeQueries() {
        return store.queryCount();
    }

    /**
     * Messages published through this service since start.
     *
     * @return messages published through this service since start
     */
    public long publishedCount() {
        return published.sum();
    }

    /**
     * Publishes answered with the message an earlier publish stored under the same idempotency key.
     *
     * @return publishes answered with the message an earlier publish stored under the same idempotency key, since
     *         start
     */
    public long replayedCount() {
        return replayed.sum();
    }

    /**
     * Publishes whose broker notification failed (the message was stored all the same).
     *
     * @return publishes whose broker notification failed (the message was stored all the same), since start
     */
    public long failedNotifications() {
        return failedNotifications.sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || sharedFrom != null) {
            return; // a handler's view leaves the shared service open
        }
        hub.close();
        StoreClaims.release(claim);
        closeOwned();
    }

    private void closeOwned() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
            }
        }
    }

    /**
     * The node's dependencies as {@link #health()} found them.
     *
     * @param storeProblem   why the store did not answer, or {@code null} when it did
     * @param changeSourceUp whether the change source (how the node hears of new messages) is connected
     * @param changeSource   what the change source is, for a human ("store poller every 500ms", ...)
     * @param brokerUp       whether the broker (where publishes are announced) is connected
     */
    public record Health(String storeProblem, boolean changeSourceUp, String changeSource, boolean brokerUp) {

        /**
         * Whether everything is up.
         *
         * @return whether everything is up
         */
        public boolean up() {
            return storeProblem == null && changeSourceUp && brokerUp;
        }
    }

    /** Settings of a {@link RealtimeService}. */
    public static final class Builder {
        private final MessageStore store;
        private Broker broker;
        private ChangeSource changeSource;
        private boolean ownsChangeSource;
        private Duration sweepInterval = Duration.ofSeconds(10);
        private Duration linger = Duration.ofSeconds(30);
        private int maxLingering = 1024;
        private int hubThreads;

        private Builder(MessageStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Where publishes are announced and, unless {@link #changeSource} is set, heard (not closed by the service).
         *
         * @param broker where publishes are announced
         * @return this builder
         */
        public Builder broker(Broker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /**
         * Where the hub hears of new messages, when it is not the broker (not closed by the service).
         *
         * @param changeSource the change source
         * @return this builder
         */
        public Builder changeSource(ChangeSource changeSource) {
            this.changeSource = Objects.requireNonNull(changeSource, "changeSource");
            this.ownsChangeSource = false;
            return this;
        }

        /**
         * Like {@link #changeSource} but the service closes it on {@link #close()}.
         *
         * @param changeSource the change source
         * @return this builder
         */
        public Builder ownedChangeSource(ChangeSource changeSource) {
            this.changeSource = Objects.requireNonNull(changeSource, "changeSource");
            this.ownsChangeSource = true;
            return this;
        }

        /**
         * How often the hub's safety sweep re-checks the store (default 10 s).
         *
         * @param sweepInterval the sweep interval
         * @return this builder
         */
        public Builder sweepInterval(Duration sweepInterval) {
            Objects.requireNonNull(sweepInterval, "sweepInterval");
            if (sweepInterval.isNegative() || sweepInterval.isZero()) {
                throw new IllegalArgumentException("sweepInterval must be > 0 but was " + sweepInterval);
            }
            this.sweepInterval = sweepInterval;
            return this;
        }

        /**
         * How long the hub keeps following a channel after its last subscriber left (default 30 s).
         *
         * @param linger how long a channel is followed after its last subscriber left
         * @return this builder
         */
        public Builder linger(Duration linger) {
            this.linger = Objects.requireNonNull(linger, "linger");
            return this;
        }

        /**
         * Most channels lingering at once on this node (default 1024); see {@link ChannelHub.Builder#maxLingering}.
         *
         * @param maxLingering most channels followed without subscribers
         * @return this builder
         */
        public Builder maxLingering(int maxLingering) {
            if (maxLingering < 0) {
                throw new IllegalArgumentException("maxLingering must be >= 0 but was " + maxLingering);
            }
            this.maxLingering = maxLingering;
            return this;
        }

        /**
         * Threads of the hub's pool (default max(4, 2 x cores)).
         *
         * @param threads the number of threads
         * @return this builder
         */
        public Builder hubThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("hubThreads must be >= 1 but was " + threads);
            }
            this.hubThreads = threads;
            return this;
        }

        /**
         * The service, with its hub started.
         *
         * @return the service, with its hub started
         */
        public RealtimeService build() {
            return new RealtimeService(this);
        }
    }
}
