package io.github.realtimepatterns.core.hub;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.change.ChangeListener;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.change.Subscription;
import io.github.realtimepatterns.core.store.MessageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node-local fan-out: tracks the subscribers of each channel on this node, listens to the change
 * source while a channel has any, and hands each subscriber its messages once, in id order.
 *
 * <p>How it stays correct:
 * <ul>
 *   <li>Joining is race-free: the hub subscribes to the change source first, then reads the store after
 *       the subscriber's cursor, then goes live; every delivery is de-duplicated by id.</li>
 *   <li>A notification whose id follows the channel's known head is delivered without a read; a gap in
 *       ids, a resync from the source or a subscriber that lags makes the hub read the store, once per
 *       distinct cursor (ten thousand subscribers at the head cost one read).</li>
 *   <li>A safety sweep compares the store's heads with what the hub knows, at a slow interval, in case a
 *       notification was lost without a resync.</li>
 *   <li>Each channel's work runs on its own serial executor over a shared pool; blocking store reads
 *       never run on an IO thread.</li>
 *   <li>A channel whose last subscriber left lingers (30 s by default) with its source subscription,
 *       head and recent messages, so that a long-poll asking again is answered without a store read; at
 *       most {@link Builder#maxLingering} channels linger at once, the longest lingering is released
 *       first.</li>
 *   <li>Flow control: a subscriber that answers {@link Subscriber#wantsMore()} false is paused and reads
 *       from the store when resumed; nothing queues in the hub for it.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} ends every subscription ({@link Subscriber#onClose(Throwable)} with
 * {@code null}) and stops the hub's threads; it does not close the store or the change source.
 */
public final class ChannelHub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ChannelHub.class.getName());

    /** Recent messages kept per channel for joins that are just behind the head. */
    private static final int RECENT = 256;

    private final MessageStore store;
    private final ChangeSource source;
    private final int batchSize;
    private final long lingerMillis;
    private final int maxLingering;
    /** Channels lingering now, with the idle period that may expire them, longest lingering first. */
    private final LinkedHashMap<ChannelState, Long> lingering = new LinkedHashMap<>(); // guarded by itself
    private final ExecutorService pool;
    private final boolean ownsPool;
    private final ScheduledExecutorService sweeper;
    private final ConcurrentHashMap<String, ChannelState> channels = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder storeReads = new LongAdder();
    private final LongAdder deliveredMessages = new LongAdder();
    private final LongAdder joinsFromMemory = new LongAdder();

    private ChannelHub(Builder b) {
        this.store = b.store;
        this.source = b.source;
        this.batchSize = b.batchSize;
        this.lingerMillis = b.linger.toMillis();
        this.maxLingering = b.maxLingering;
        this.ownsPool = b.pool == null;
        this.pool = ownsPool ? newPool(b.threads) : b.pool;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rp-hub-sweep"));
        long sweepMillis = b.sweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A builder for a hub over {@code store} that listens to {@code source}.
     *
     * @param store  where messages are read from (the truth)
     * @param source how this node hears of new messages
     */
    public static Builder builder(MessageStore store, ChangeSource source) {
        return new Builder(store, source);
    }

    /**
     * Subscribes {@code subscriber} to {@code channel} from {@code cursor}. The join read runs on a hub
     * thread; its answer is the first {@link Subscriber#onBatch} call.
     *
     * @throws io.github.realtimepatterns.core.ProtocolException when the channel name is invalid
     * @throws IllegalStateException when the hub is closed
     */
    public HubSubscription subscribe(String channel, Cursor cursor, Subscriber subscriber) {
        Channels.validate(channel);
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(subscriber, "subscriber");
        if (closed.get()) {
            throw new IllegalStateException("hub is closed");
        }
        Sub sub = new Sub(channel, cursor, subscriber);
        ChannelState state = channels.compute(channel, (name, existing) -> {
            ChannelState s = existing != null ? existing : new ChannelState(name);
            if (++s.refs == 1) {
                stopLingering(s); // taken up again (or new): no longer counts against maxLingering
            }
            return s;
        });
        sub.state = state;
        subscribers.incrementAndGet();
        state.actor.execute(() -> state.join(sub));
        return sub;
    }

    /**
     * What a read of {@code channel} after {@code cursor} returns now, answered from the channel's recent
     * messages: no store read, no subscription, no thread hop; non-blocking, so an IO thread may call it.
     * At most {@code limit} messages, contiguous from the cursor (with {@code hasMore} when more are known);
     * empty when the cursor is at the known head. Null when memory cannot tell: the channel is not followed
     * (no subscriber and not lingering), the change source is unhealthy, the cursor names another epoch or
     * is outside the recent messages. A message published but not yet heard of is not included, exactly as
     * for a join answered from memory.
     *
     * @throws io.github.realtimepatterns.core.ProtocolException when the channel name is invalid
     */
    public ReadResult readRecent(String channel, Cursor cursor, int limit) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(cursor, "cursor");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        ChannelState state = channels.get(channel);
        if (state == null) {
            Channels.validate(channel); // only valid names are ever followed: no need to check a found one
        }
        Recent memory = state == null ? null : state.memory;
        if (memory == null || closed.get() || !source.isHealthy()) {
            return null;
        }
        return memory.after(cursor, limit);
    }

    /** Subscribers on this node now. */
    public int subscriberCount() {
        return subscribers.get();
    }

    /** Channels this node follows now: those with subscribers and those lingering after their last one left. */
    public int channelCount() {
        return channels.size();
    }

    /** Store reads the hub has made (joins, gaps, resyncs, sweeps), since start. */
    public long storeReads() {
        return storeReads.sum();
    }

    /**
     * Joins answered from the channel's recent messages instead of a store read, since start: a subscriber
     * that comes back right after its last batch (a long-poll asking again) costs no read.
     */
    public long joinsFromMemory() {
        return joinsFromMemory.sum();
    }

    /** Messages handed to subscribers, counted once per subscriber, since start. */
    public long deliveredMessages() {
        return deliveredMessages.sum();
    }

    /** Re-reads the store for every channel with subscribers, as after a lost notification. */
    public void resyncAll() {
        channels.values().forEach(s -> s.actor.execute(s::syncAll));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sweeper.shutdownNow();
        synchronized (lingering) {
            lingering.clear();
        }
        List<ChannelState> states = new ArrayList<>(channels.values());
        channels.clear();
        for (ChannelState state : states) {
            state.closeUpstream();
            state.actor.execute(state::shutdown);
        }
        if (ownsPool) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
            }
        }
    }

    private void sweep() {
        try {
            List<String> names = new ArrayList<>(channels.keySet());
            if (names.isEmpty()) {
                return;
            }
            Map<String, Long> heads = store.heads(names);
            storeReads.increment();
            heads.forEach((name, head) -> {
                ChannelState state = channels.get(name);
                if (state != null) {
                    state.actor.execute(() -> state.sweep(head));
                }
            });
        } catch (RealtimeException e) {
            LOG.log(System.Logger.Level.WARNING, "safety sweep could not read the store: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "safety sweep failed", e);
        }
    }

    private void release(Sub sub) {
        subscribers.decrementAndGet();
        ChannelState state = sub.state;
        List<Map.Entry<ChannelState, Long>> over = new ArrayList<>();
        channels.computeIfPresent(sub.channel, (name, s) -> {
            if (s != state) {
                return s;
            }
            s.refs--;
            if (s.refs == 0) {
                if (lingerMillis == 0 || maxLingering == 0 || closed.get()) {
                    s.closeUpstream();
                    return null;
                }
                // Linger: a long-poll asks again right after its answer; keeping the channel (its
                // source subscription, head and recent messages) saves a resubscribe and a store read.
                long generation = ++s.idleGeneration;
                sweeper.schedule(() -> expire(state, generation), lingerMillis, TimeUnit.MILLISECONDS);
                startLingering(s, generation, over);
            }
            return s;
        });
        // Outside the compute: expire computes on the map (for other channels).
        over.forEach(e -> expire(e.getKey(), e.getValue()));
        state.actor.execute(() -> state.subs.remove(sub));
    }

    /**
     * Counts {@code state} as lingering (called under its compute lock, like {@link #stopLingering}); adds
     * to {@code over} the longest lingering channels past {@link Builder#maxLingering}, for the caller to
     * expire once it is out of the compute.
     */
    private void startLingering(ChannelState state, long generation, List<Map.Entry<ChannelState, Long>> over) {
        synchronized (lingering) {
            lingering.put(state, generation);
            var oldest = lingering.entrySet().iterator();
            while (lingering.size() > maxLingering && oldest.hasNext()) {
                Map.Entry<ChannelState, Long> e = oldest.next();
                over.add(Map.entry(e.getKey(), e.getValue()));
                oldest.remove();
            }
        }
    }

    private void stopLingering(ChannelState state) {
        synchronized (lingering) {
            lingering.remove(state);
        }
    }

    private void expire(ChannelState state, long generation) {
        boolean[] released = {false};
        channels.computeIfPresent(state.name, (name, s) -> {
            if (s != state || s.refs > 0 || s.idleGeneration != generation) {
                return s; // taken up again since, or a newer idle period has its own timer
            }
            s.closeUpstream();
            released[0] = true;
            return null;
        });
        if (released[0]) {
            synchronized (lingering) {
                lingering.remove(state, generation);
            }
        }
    }

    private static ExecutorService newPool(int threads) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "rp-hub"));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One channel's subscribers and what the hub knows of the channel; touched only on its actor. */
    private final class ChannelState implements ChangeListener {
        final String name;
        final SerialExecutor actor = new SerialExecutor(pool);
        final Set<Sub> subs = new LinkedHashSet<>();
        final Subscription upstream;
        int refs; // guarded by the channels map's compute lock
        long idleGeneration; // guarded by the channels map's compute lock; which idle period may expire it
        String epoch;
        long head = -1; // the highest id known to exist, -1 when unknown
        // The latest messages, contiguous in id; used for joins only while they end at the head.
        final java.util.ArrayDeque<Message> recent = new java.util.ArrayDeque<>();
        // What readRecent may answer from (recent while it ends at the head), published for other threads.
        volatile Recent memory;

        ChannelState(String name) {
            this.name = name;
            this.upstream = source.subscribe(name, this);
        }

        @Override
        public void onMessage(Message message) {
            actor.execute(() -> notified(message));
        }

        @Override
        public void onResync() {
            actor.execute(this::syncAll);
        }

        void closeUpstream() {
            try {
                upstream.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the change-source subscription of " + name
                        + " failed", e);
            }
        }

        void join(Sub sub) {
            if (!sub.open.get()) {
                return;
            }
            ReadResult first = fromMemory(sub.position);
            try {
                if (first == null) {
                    first = read(sub.position);
                } else {
                    joinsFromMemory.increment();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "join read of channel " + name + " after "
                        + sub.position.after() + " failed: " + e.getMessage());
                if (sub.open.compareAndSet(true, false)) {
                    release(sub);
                    safeClose(sub, e);
                }
                return;
            }
            learn(first);
            subs.add(sub);
            deliver(sub, first, true);
            if (first.hasMore()) {
                sync(List.of(sub));
            }
        }

        void notified(Message message) {
            try {
                fanOut(message);
            } finally {
                refreshMemory();
            }
        }

        private void fanOut(Message message) {
            if (subs.isEmpty()) {
                // Keep the head true between subscribers (long-polls come and go), or forget it.
                if (head >= 0 && message.id() == head + 1) {
                    head = message.id();
                    remember(message);
                } else if (message.id() > head) {
                    forget();
                }
                return;
            }
            if (head < 0 || message.id() > head + 1) {
                syncAll(); // unknown head or a gap in ids: the store knows what was missed
                return;
            }
            if (message.id() <= head) {
                return; // already known: a duplicate or late notification
            }
            head = message.id();
            remember(message);
            ReadResult batch = ReadResult.live(epoch, List.of(message));
            List<Sub> lagging = null;
            for (Sub sub : List.copyOf(subs)) {
                if (!sub.open.get() || sub.paused) {
                    continue;
                }
                long cursor = sub.position.after();
                if (cursor == message.id() - 1) {
                    deliver(sub, batch, false);
                } else if (cursor < message.id() - 1) {
                    if (lagging == null) {
                        lagging = new ArrayList<>();
                    }
                    lagging.add(sub);
                }
            }
            if (lagging != null) {
                sync(lagging);
            }
        }

        void sweep(long storeHead) {
            if (subs.isEmpty()) {
                if (storeHead != head) {
                    forget(); // a lingering channel missed a notification: the next join reads the store
                }
                return;
            }
            boolean lagging = subs.stream().anyMatch(s -> !s.paused && s.position.after() < storeHead);
            if (storeHead != head || lagging) {
                syncAll();
            }
        }

        void syncAll() {
            if (subs.isEmpty()) {
                forget(); // nobody to read for now: the next join reads instead of trusting the head
                return;
            }
            sync(List.copyOf(subs));
        }

        /** Reads the store once per distinct cursor among {@code targets} and delivers what each lacks. */
        void sync(List<Sub> targets) {
            Map<Cursor, List<Sub>> groups = new LinkedHashMap<>();
            for (Sub sub : targets) {
                if (sub.open.get() && !sub.paused) {
                    groups.computeIfAbsent(sub.position, c -> new ArrayList<>()).add(sub);
                }
            }
            for (Map.Entry<Cursor, List<Sub>> group : groups.entrySet()) {
                Cursor cursor = group.getKey();
                List<Sub> members = group.getValue();
                while (!members.isEmpty()) {
                    ReadResult result;
                    try {
                        result = read(cursor);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "store read of channel " + name + " after "
                                + cursor.after() + " failed; the sweep retries: " + e.getMessage());
                        return;
                    }
                    learn(result);
                    if (result.messages().isEmpty() && result.honoured()) {
                        break;
                    }
                    List<Sub> next = new ArrayList<>(members.size());
                    for (Sub sub : members) {
                        if (sub.open.get() && !sub.paused && sub.position.equals(cursor)) {
                            deliver(sub, result, false);
                            if (sub.open.get() && !sub.paused) {
                                next.add(sub);
                            }
                        }
                    }
                    if (!result.hasMore()) {
                        break;
                    }
                    members = next;
                    cursor = Cursor.of(result.epoch(), result.cursor());
                }
            }
        }

        void shutdown() {
            for (Sub sub : List.copyOf(subs)) {
                if (sub.open.compareAndSet(true, false)) {
                    subscribers.decrementAndGet();
                    safeClose(sub, null);
                }
            }
            subs.clear();
        }

        private ReadResult read(Cursor cursor) {
            storeReads.increment();
            return store.read(name, cursor, batchSize);
        }

        /**
         * What a join at {@code cursor} would read, from the recent messages, or null when a read is needed:
         * the change source is unhealthy (notifications may be missing), the cursor names another epoch, it is
         * not within the recent messages or they do not end at the known head.
         */
        private ReadResult fromMemory(Cursor cursor) {
            // A cursor without an epoch means the current stream, which is the one the hub has learned.
            if (head < 0 || epoch == null || (cursor.epoch() != null && !epoch.equals(cursor.epoch())) || recent.isEmpty()
                    || recent.peekLast().id() != head || !source.isHealthy()) {
                return null;
            }
            long after = cursor.after();
            if (after == head) {
                return ReadResult.empty(epoch, head);
            }
            if (after < recent.peekFirst().id() - 1 || after > head || head - after > batchSize) {
                return null;
            }
            List<Message> batch = new ArrayList<>((int) (head - after));
            for (Message m : recent) {
                if (m.id() > after) {
                    batch.add(m);
                }
            }
            return ReadResult.live(epoch, batch);
        }

        private void remember(Message message) {
            if (!recent.isEmpty() && message.id() <= recent.peekLast().id()) {
                return; // a lagging subscriber's read: older than what is kept
            }
            if (!recent.isEmpty() && recent.peekLast().id() + 1 != message.id()) {
                recent.clear();
            }
            recent.addLast(message);
            while (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }

        private void forget() {
            head = -1;
            recent.clear();
            memory = null;
        }

        /** Publishes the recent messages for {@link #readRecent} while they end at the head; else none. */
        private void refreshMemory() {
            if (head < 0 || epoch == null || recent.isEmpty() || recent.peekLast().id() != head) {
                memory = null;
                return;
            }
            Recent now = memory;
            if (now != null && now.head() == head && now.first() == recent.peekFirst().id() && now.epoch().equals(epoch)) {
                return; // same epoch and ids: the same messages
            }
            memory = new Recent(epoch, recent.toArray(new Message[0]));
        }

        private void learn(ReadResult result) {
            if (epoch != null && !epoch.equals(result.epoch())) {
                forget(); // a new stream: forget what the old one said
            }
            if (result.honoured()) {
                result.messages().forEach(this::remember);
            } else {
                recent.clear();
            }
            epoch = result.epoch();
            if (!result.hasMore() && result.cursor() > head) {
                head = result.cursor();
            }
            refreshMemory();
        }

        private void deliver(Sub sub, ReadResult batch, boolean first) {
            if (!first && batch.messages().isEmpty() && batch.honoured()) {
                return;
            }
            sub.position = Cursor.of(batch.epoch(), batch.cursor());
            try {
                sub.subscriber.onBatch(batch);
                deliveredMessages.add(batch.messages().size());
                if (!sub.subscriber.wantsMore()) {
                    sub.paused = true;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscriber of channel " + name
                        + " threw; it is unsubscribed", e);
                sub.close();
            }
        }

        private void safeClose(Sub sub, Throwable cause) {
            try {
                sub.subscriber.onClose(cause);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscriber of channel " + name + " threw in onClose", e);
            }
        }
    }

    /** A channel's recent messages, contiguous in id and ending at its head, frozen for other threads. */
    private record Recent(String epoch, Message[] messages) {

        long first() {
            return messages[0].id();
        }

        long head() {
            return messages[messages.length - 1].id();
        }

        /** Up to {@code limit} messages after {@code cursor}, or null when the cursor is not covered. */
        ReadResult after(Cursor cursor, int limit) {
            // A cursor without an epoch means the current stream, which is the one the hub has learned.
            if (cursor.epoch() != null && !epoch.equals(cursor.epoch())) {
                return null;
            }
            long after = cursor.after();
            long head = head();
            if (after == head) {
                return ReadResult.empty(epoch, head);
            }
            if (after < first() - 1 || after > head) {
                return null;
            }
            int from = (int) (after + 1 - first());
            int to = (int) Math.min(messages.length, (long) from + limit);
            List<Message> batch = java.util.Arrays.asList(messages).subList(from, to);
            return new ReadResult(epoch, batch, messages[to - 1].id(), to < messages.length, false, false);
        }
    }

    private final class Sub implements HubSubscription {
        final String channel;
        final Subscriber subscriber;
        final AtomicBoolean open = new AtomicBoolean(true);
        volatile ChannelState state;
        volatile Cursor position;
        volatile boolean paused; // written on the actor only

        Sub(String channel, Cursor cursor, Subscriber subscriber) {
            this.channel = channel;
            this.position = cursor;
            this.subscriber = subscriber;
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public Cursor position() {
            return position;
        }

        @Override
        public void resume() {
            ChannelState s = state;
            s.actor.execute(() -> {
                if (paused && open.get()) {
                    paused = false;
                    s.sync(List.of(this));
                }
            });
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(this);
            }
        }
    }

    /** Settings of a {@link ChannelHub}; validated at once. */
    public static final class Builder {
        private final MessageStore store;
        private final ChangeSource source;
        private int batchSize = 256;
        private Duration sweepInterval = Duration.ofSeconds(10);
        private Duration linger = Duration.ofSeconds(30);
        private int maxLingering = 1024;
        private int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        private ExecutorService pool;

        private Builder(MessageStore store, ChangeSource source) {
            this.store = Objects.requireNonNull(store, "store");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Most messages per store read and per batch (default 256). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be in 1..10000 but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** How often the safety sweep compares the store's heads with the hub's (default 10 s). */
        public Builder sweepInterval(Duration sweepInterval) {
            Objects.requireNonNull(sweepInterval, "sweepInterval");
            if (sweepInterval.isNegative() || sweepInterval.isZero()) {
                throw new IllegalArgumentException("sweepInterval must be > 0 but was " + sweepInterval);
            }
            this.sweepInterval = sweepInterval;
            return this;
        }

        /**
         * How long a channel stays subscribed to the change source after its last subscriber left
         * (default 30 s; zero releases it at once). Long-polls leave and come back with every answer: while
         * the channel lingers, their joins are answered from its recent messages instead of the store.
         */
        public Builder linger(Duration linger) {
            Objects.requireNonNull(linger, "linger");
            if (linger.isNegative()) {
                throw new IllegalArgumentException("linger must be >= 0 but was " + linger);
            }
            this.linger = linger;
            return this;
        }

        /**
         * Most channels lingering at once on this node (default 1024): past it, the channel that has
         * lingered longest is released at once. Anyone can make a channel linger by subscribing and leaving,
         * so without a bound a stranger could make the node follow any number of channels.
         */
        public Builder maxLingering(int maxLingering) {
            if (maxLingering < 0) {
                throw new IllegalArgumentException("maxLingering must be >= 0 but was " + maxLingering);
            }
            this.maxLingering = maxLingering;
            return this;
        }

        /** Threads of the hub's own pool for store reads and fan-out (default max(4, 2 x cores)). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Runs channel work on {@code pool} instead of the hub's own (the hub will not shut it down). */
        public Builder executor(ExecutorService pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** The hub, started (its sweep is scheduled). */
        public ChannelHub build() {
            return new ChannelHub(this);
        }
    }
}
