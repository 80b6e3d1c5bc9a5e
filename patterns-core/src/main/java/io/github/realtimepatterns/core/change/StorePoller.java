package io.github.realtimepatterns.core.change;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.store.MessageStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ChangeSource} that reads the store on an interval: every tick, <b>one</b> {@link
 * MessageStore#readMany} call for all channels that have at least one listener on this node, each after
 * the poller's own cursor for that channel, whatever the number of listeners. New messages go to every
 * listener of their channel in id order, on the poller's thread.
 *
 * <p>A channel's cursor starts at the store's head on the first tick after its first listener
 * subscribed; that tick then calls {@link ChangeListener#onResync()} on the listeners waiting for it, so
 * they re-read what was stored between their own read and that tick. Later listeners of the channel get
 * everything after the shared cursor, and the tick after they joined tells the channel's listeners to resync
 * too, so every subscription is told once it is live, as {@link ChangeSource#subscribe} promises. When a read answers {@code reset}, {@code truncated} or {@code
 * hasMore}, or the channel's epoch changed, the listeners are told to resync; after {@code hasMore} the
 * poller asks again without waiting. A failed read is logged (at most once per minute while it keeps
 * failing) and retried on the next tick; {@link #isHealthy()} is false meanwhile. A listener that throws is
 * logged and stays subscribed.
 *
 * <p>Thread-safe. One daemon thread per poller, started by {@link Builder#build()} and stopped by {@link
 * #close()} (idempotent), which does not close the store.
 */
public final class StorePoller implements ChangeSource {

    private static final System.Logger LOG = System.getLogger(StorePoller.class.getName());
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final MessageStore store;
    private final Duration interval;
    private final int batchSize;
    private final ListenerRegistry<ChannelState> listeners =
            ListenerRegistry.withState(StorePoller.class, channel -> new ChannelState());
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong polls = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private volatile boolean healthy = true;
    private boolean wakeRequested; // guarded by lock
    private long lastFailureLog; // poller thread only
    private int failuresSinceLog; // poller thread only

    private StorePoller(Builder b) {
        this.store = b.store;
        this.interval = b.interval;
        this.batchSize = b.batchSize;
        this.thread = new Thread(this::run, b.threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A builder for a poller of {@code store}.
     *
     * @param store the message store (the truth)
     * @return a builder for a poller of {@code store}
     */
    public static Builder builder(MessageStore store) {
        return new Builder(store);
    }

    @Override
    public Subscription subscribe(String channel, ChangeListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("store poller is closed");
        }
        Subscription subscription = listeners.add(channel, listener);
        ChannelState state = listeners.state(channel);
        if (state != null) {
            // The next tick tells the channel's listeners to re-read (see apply): then the new one is live.
            state.joined = true;
        }
        return subscription;
    }

    /**
     * Reads the store at once instead of at the next tick, for a source that is told when something was
     * stored (a PostgreSQL {@code NOTIFY}); a request made while a read runs makes another one follow it, so
     * a message committed during a read is not left for the next tick.
     */
    public void pollNow() {
        lock.lock();
        try {
            wakeRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ticks that queried the store since start.
     *
     * @return ticks that queried the store since start
     */
    public long pollCount() {
        return polls.get();
    }

    /**
     * Channels with at least one listener now.
     *
     * @return channels with at least one listener now
     */
    public int channelCount() {
        return listeners.channelCount();
    }

    /** Whether the last read of the store succeeded. */
    @Override
    public boolean isHealthy() {
        return healthy && !closed.get();
    }

    @Override
    public String describe() {
        return "store poller every " + interval.toMillis() + "ms";
    }

    /** Stops the polling thread and drops every subscription; idempotent. Waits up to 5 s for the thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        listeners.close();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!closed.get()) {
            boolean again;
            try {
                again = tick();
            } catch (RuntimeException e) {
                again = false;
                LOG.log(System.Logger.Level.ERROR, "store poller tick failed unexpectedly", e);
            }
            if (!again) {
                lock.lock();
                try {
                    if (!closed.get() && !wakeRequested) {
                        wake.await(interval.toNanos(), TimeUnit.NANOSECONDS);
                    }
                    wakeRequested = false;
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** One read of every channel with listeners; returns whether to read again at once (hasMore). */
    private boolean tick() {
        List<ListenerRegistry.Listeners<ChannelState>> snapshot = listeners.snapshot();
        if (snapshot.isEmpty()) {
            return false;
        }
        Map<String, Cursor> cursors = new LinkedHashMap<>();
        for (ListenerRegistry.Listeners<ChannelState> channel : snapshot) {
            Cursor cursor = channel.state().cursor;
            cursors.put(channel.channel(), cursor == null ? Cursor.head() : cursor);
        }
        Map<String, ReadResult> results;
        polls.incrementAndGet();
        try {
            results = store.readMany(cursors, batchSize);
        } catch (RuntimeException e) {
            failed(e, cursors.size());
            return false;
        }
        recovered();
        boolean again = false;
        for (ListenerRegistry.Listeners<ChannelState> channel : snapshot) {
            ReadResult result = results.get(channel.channel());
            if (result != null && !closed.get()) {
                again |= apply(channel, result);
            }
        }
        return again;
    }

    private boolean apply(ListenerRegistry.Listeners<ChannelState> channel, ReadResult result) {
        ChannelState state = channel.state();
        Cursor previous = state.cursor;
        state.cursor = Cursor.of(result.epoch(), result.cursor());
        for (Message message : result.messages()) {
            channel.deliver(message);
        }
        // A listener that joined since the last tick is live from this read on: it re-reads what was stored
        // between its own read and this one (on the first read of a channel, that is every listener). The
        // flag is cleared before the resync, so a listener joining during it is told again on the next tick.
        boolean joined = state.joined;
        state.joined = false;
        boolean epochChanged = previous != null && !result.epoch().equals(previous.epoch());
        if (joined || previous == null || result.reset() || result.truncated() || result.hasMore() || epochChanged) {
            channel.resync();
        }
        return result.hasMore();
    }

    private void failed(RuntimeException e, int channelCount) {
        healthy = false;
        failuresSinceLog++;
        long now = System.nanoTime();
        if (lastFailureLog == 0 || now - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
            LOG.log(System.Logger.Level.WARNING, "store poller could not read " + channelCount + " channels ("
                    + failuresSinceLog + " failed ticks since last report); retrying every "
                    + interval.toMillis() + "ms: " + e.getMessage(), e);
            lastFailureLog = now;
            failuresSinceLog = 0;
        }
    }

    private void recovered() {
        if (!healthy) {
            LOG.log(System.Logger.Level.INFO, "store poller reads the store again");
            lastFailureLog = 0;
            failuresSinceLog = 0;
        }
        healthy = true;
    }

    /** The poller's cursor in one listened channel (written by the poller thread only). */
    private static final class ChannelState {
        volatile Cursor cursor;
        volatile boolean joined;
    }

    /** Builds a {@link StorePoller}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final MessageStore store;
        private Duration interval = Duration.ofMillis(500);
        private int batchSize = 100;
        private String threadName = "rp-store-poller";

        private Builder(MessageStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Time between two reads of the store, positive. Default 500 ms.
         *
         * @param interval how often
         * @return this builder
         */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval must be > 0 but was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * Most messages read per channel per tick, {@code >= 1}; more are read at once by another tick. Default 100.
         *
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The polling thread's name. Default {@code rp-store-poller}.
         *
         * @param threadName the name of the loop's threads
         * @return this builder
         */
        public Builder threadName(String threadName) {
            this.threadName = Objects.requireNonNull(threadName, "threadName");
            return this;
        }

        /**
         * Starts the poller's thread and returns it.
         *
         * @return the poller, started
         */
        public StorePoller build() {
            return new StorePoller(this);
        }
    }
}
