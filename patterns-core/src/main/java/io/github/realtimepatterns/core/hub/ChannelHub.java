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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node-local fan-out: tracks the subscribers of each channel on this node, listens to the change
 * source while a channel has any, and hands each subscriber its messages once, in id order. It also
 * answers {@link #next}: "the next messages after this cursor, waiting up to this long", the one question
 * long-polling asks.
 *
 * <p>How it stays correct:
 * <ul>
 *   <li>Joining is race-free: the hub subscribes to the change source first, then reads the store after
 *       the subscriber's cursor, then goes live; every delivery is de-duplicated by id. A waiting
 *       {@link #next} joins the same way, so a message published between its read and its wait is never
 *       missed.</li>
 *   <li>A notification whose id follows the channel's known head is delivered without a read; a gap in
 *       ids, a resync from the source or a subscriber that lags makes the hub read the store, once per
 *       distinct cursor (ten thousand subscribers at the head cost one read).</li>
 *   <li>Subscribers and waiters that get a batch together (a live message, a store read for the cursor
 *       they share, an answer from memory for the same cursor) get the same {@link ReadResult} instance,
 *       so a transport can encode a batch once and share the bytes.</li>
 *   <li>A safety sweep compares the store's heads with what the hub knows, at a slow interval, in case a
 *       notification was lost without a resync.</li>
 *   <li>Each channel's work runs on its own serial executor over a shared pool; blocking store reads
 *       never run on an IO thread.</li>
 *   <li>A channel whose last subscriber left lingers (30 s by default) with its source subscription,
 *       head and recent messages, so that a {@link #next} asking again is answered without a store read; at
 *       most {@link Builder#maxLingering} channels linger at once, the longest lingering is released
 *       first.</li>
 *   <li>Flow control: a subscriber that answers {@link Subscriber#wantsMore()} false is paused and reads
 *       from the store when resumed; nothing queues in the hub for it.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} ends every subscription ({@link Subscriber#onClose(Throwable)} with
 * {@code null}), answers every waiting {@link #next} (empty, at its cursor) and stops the hub's threads; it
 * does not close the store or the change source.
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
    private final ScheduledThreadPoolExecutor timer;
    private final ConcurrentHashMap<String, ChannelState> channels = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
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
        // Waits end on a thread of their own: the sweep blocks on the store, a timeout must not wait for it.
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "rp-hub-timer"));
        timer.setRemoveOnCancelPolicy(true); // most waits end with a message, long before their timeout
        long sweepMillis = b.sweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A builder for a hub over {@code store} that listens to {@code source}.
     *
     * @param store  where messages are read from (the truth)
     * @param source how this node hears of new messages
     * @return a builder for a hub over {@code store} that listens to {@code source}
     */
    public static Builder builder(MessageStore store, ChangeSource source) {
        return new Builder(store, source);
    }

    /**
     * Subscribes {@code subscriber} to {@code channel} from {@code cursor}. The join read runs on a hub
     * thread; its answer is the first {@link Subscriber#onBatch} call.
     *
     * @param channel the channel's name
     * @param cursor where to start: the position after which messages are wanted
     * @param subscriber what receives the batches
     * @return the subscription; close it to leave the channel
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
        ChannelState state = attach(sub);
        state.actor.execute(() -> state.join(sub));
        return sub;
    }

    /**
     * The next messages of {@code channel} after {@code cursor}, at most {@code limit}, waiting up to
     * {@code wait} for one to be published: the answer a long-poll gives.
     *
     * <ul>
     *   <li>When the channel's recent messages (held while it has subscribers or lingers) hold messages
     *       after the cursor, the stage is complete on return: no store read, no thread hop, no timer;
     *       an IO thread may call this.</li>
     *   <li>Otherwise, with {@code wait} zero, the store is read on a hub thread.</li>
     *   <li>Otherwise the call joins the channel like a subscriber (registered before its read, so a
     *       message published between the read and the wait is not missed) and completes with the first
     *       batch after the cursor (a publish, a store read after a gap or resync; {@code reset} or
     *       {@code truncated} when the cursor cannot be honoured), or empty at the cursor when {@code wait}
     *       runs out or the hub closes. The timeout runs on the hub's timer thread: no thread waits.</li>
     * </ul>
     * Every waiter of a channel at the same cursor is completed with the same {@link ReadResult} instance
     * (when its {@code limit} allows), so an answer can be encoded once. Cancelling the stage
     * ({@code toCompletableFuture().cancel(false)}) stops the wait and releases what it holds. A waiting
     * call counts in {@link #subscriberCount()}, and in {@link #waitingCount()} once its read found nothing.
     *
     * @param limit at most this many messages, {@code >= 1}
     * @param wait  how long to wait for a message, {@code >= 0}
     * @param channel the channel's name
     * @param cursor where to start: the position after which messages are wanted
     * @return the answer; completed exceptionally with the store's exception when its read fails, or with
     *         an {@link IllegalStateException} when the hub closed before the read
     * @throws io.github.realtimepatterns.core.ProtocolException when the channel name is invalid
     * @throws IllegalArgumentException when {@code limit < 1} or {@code wait} is negative
     * @throws IllegalStateException when the hub is closed
     */
    public CompletionStage<ReadResult> next(String channel, Cursor cursor, int limit, Duration wait) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(wait, "wait");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must be >= 0 but was " + wait);
        }
        ChannelState known = channels.get(channel);
        if (known == null) {
            Channels.validate(channel); // only valid names are ever followed: no need to check a found one
        }
        if (closed.get()) {
            throw new IllegalStateException("hub is closed");
        }
        Recent memory = known == null ? null : known.memory;
        if (memory != null && source.isHealthy()) {
            ReadResult ready = memory.after(cursor, limit);
            if (ready != null && !ready.messages().isEmpty()) {
                return CompletableFuture.completedFuture(ready); // behind the known head: answered from memory
            }
        }
        if (wait.isZero()) {
            try {
                return CompletableFuture.supplyAsync(() -> {
                    storeReads.increment();
                    return store.read(channel, cursor, limit);
                }, pool);
            } catch (RejectedExecutionException e) {
                throw new IllegalStateException("hub is closed", e);
            }
        }
        Waiter waiter = new Waiter(channel, cursor, limit);
        ChannelState state = attach(waiter);
        try {
            waiter.timeout = timer.schedule(() -> state.actor.execute(waiter::expire), wait.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            waiter.fail(new IllegalStateException("hub is closed"));
            return waiter.answer;
        }
        state.actor.execute(() -> state.join(waiter));
        if (closed.get()) {
            waiter.fail(new IllegalStateException("hub is closed")); // raced close(): nothing would answer it
        }
        return waiter.answer;
    }

    /**
     * Subscribers on this node now, waiting {@link #next} calls included.
     *
     * @return subscribers on this node now, waiting {@link #next} calls included
     */
    public int subscriberCount() {
        return subscribers.get();
    }

    /**
     * {@link #next} calls whose read found nothing and that now wait for a message or their timeout.
     *
     * @return {@link #next} calls whose read found nothing and that now wait for a message or their timeout
     */
    public int waitingCount() {
        return waiting.get();
    }

    /**
     * Channels this node follows now: those with subscribers and those lingering after their last one left.
     *
     * @return channels this node follows now: those with subscribers and those lingering after their last one left
     */
    public int channelCount() {
        return channels.size();
    }

    /**
     * Store reads the hub has made (joins, gaps, resyncs, sweeps), since start.
     *
     * @return store reads the hub has made (joins, gaps, resyncs, sweeps), since start
     */
    public long storeReads() {
        return storeReads.sum();
    }

    /**
     * Joins answered from the channel's recent messages instead of a store read, since start: a subscriber
     * that comes back right after its last batch (a long-poll asking again) costs no read.
     *
     * @return joins answered from the channel's recent messages instead of a store read, since start
     */
    public long joinsFromMemory() {
        return joinsFromMemory.sum();
    }

    /**
     * Messages handed to subscribers and waiters, counted once per recipient, since start.
     *
     * @return messages handed to subscribers and waiters, counted once per recipient, since start
     */
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
        timer.shutdownNow();
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

    /** Counts {@code member} in its channel, creating the channel's state (and source subscription) if needed. */
    private ChannelState attach(Member member) {
        ChannelState state = channels.compute(member.channel, (name, existing) -> {
            ChannelState s = existing != null ? existing : new ChannelState(name);
            if (++s.refs == 1) {
                stopLingering(s); // taken up again (or new): no longer counts against maxLingering
            }
            return s;
        });
        member.state = state;
        subscribers.incrementAndGet();
        return state;
    }

    private void release(Member member) {
        subscribers.decrementAndGet();
        ChannelState state = member.state;
        List<Map.Entry<ChannelState, Long>> over = new ArrayList<>();
        channels.computeIfPresent(member.channel, (name, s) -> {
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
                try {
                    sweeper.schedule(() -> expire(state, generation), lingerMillis, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    s.closeUpstream(); // the hub is closing
                    return null;
                }
                startLingering(s, generation, over);
            }
            return s;
        });
        // Outside the compute: expire computes on the map (for other channels).
        over.forEach(e -> expire(e.getKey(), e.getValue()));
        state.actor.execute(() -> state.members.remove(member));
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

    /** One channel's members and what the hub knows of the channel; touched only on its actor. */
    private final class ChannelState implements ChangeListener {
        final String name;
        final SerialExecutor actor = new SerialExecutor(pool);
        final Set<Member> members = new LinkedHashSet<>();
        final Subscription upstream;
        int refs; // guarded by the channels map's compute lock
        long idleGeneration; // guarded by the channels map's compute lock; which idle period may expire it
        String epoch;
        long head = -1; // the highest id known to exist, -1 when unknown
        // The latest messages, contiguous in id; used for joins only while they end at the head.
        final ArrayDeque<Message> recent = new ArrayDeque<>();
        // What joins and next() may answer from (recent while it ends at the head), published for other threads.
        volatile Recent memory;
        // The last batch cut to a waiter's limit: waiters with one limit share one answer.
        private ReadResult trimmedFrom;
        private ReadResult trimmed;

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

        void join(Member member) {
            if (!member.open.get()) {
                return;
            }
            if (closed.get()) {
                member.hubClosed(); // queued before the hub's shutdown reached this channel
                return;
            }
            ReadResult first = fromMemory(member.position);
            try {
                if (first == null) {
                    first = read(member.position);
                } else {
                    joinsFromMemory.increment();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "join read of channel " + name + " after "
                        + member.position.after() + " failed: " + e.getMessage());
                member.joinFailed(e);
                return;
            }
            learn(first);
            members.add(member);
            deliver(member, first, true);
            if (!member.open.get()) {
                members.remove(member);
            } else if (first.hasMore()) {
                sync(List.of(member));
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
            if (members.isEmpty()) {
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
                // Already known, perhaps from a store read made for lagging members only: a member exactly one
                // behind it still takes it now, instead of waiting for the next message or the sweep.
                ReadResult known = null;
                for (Member member : List.copyOf(members)) {
                    if (member.open.get() && !member.paused && member.position.after() == message.id() - 1) {
                        if (known == null) {
                            known = ReadResult.live(epoch, List.of(message));
                        }
                        deliver(member, known, false);
                    }
                }
                return;
            }
            head = message.id();
            remember(message);
            ReadResult batch = ReadResult.live(epoch, List.of(message));
            List<Member> lagging = null;
            for (Member member : List.copyOf(members)) {
                if (!member.open.get() || member.paused) {
                    continue;
                }
                long cursor = member.position.after();
                if (cursor == message.id() - 1) {
                    deliver(member, batch, false);
                } else if (cursor < message.id() - 1) {
                    if (lagging == null) {
                        lagging = new ArrayList<>();
                    }
                    lagging.add(member);
                }
            }
            if (lagging != null) {
                sync(lagging);
            }
        }

        void sweep(long storeHead) {
            if (members.isEmpty()) {
                if (storeHead != head) {
                    forget(); // a lingering channel missed a notification: the next join reads the store
                }
                return;
            }
            boolean lagging = members.stream().anyMatch(s -> !s.paused && s.position.after() < storeHead);
            if (storeHead != head || lagging) {
                syncAll();
            }
        }

        void syncAll() {
            if (members.isEmpty()) {
                forget(); // nobody to read for now: the next join reads instead of trusting the head
                return;
            }
            sync(List.copyOf(members));
        }

        /** Reads the store once per distinct cursor among {@code targets} and delivers what each lacks. */
        void sync(List<Member> targets) {
            Map<Cursor, List<Member>> groups = new LinkedHashMap<>();
            for (Member member : targets) {
                if (member.open.get() && !member.paused) {
                    groups.computeIfAbsent(member.position, c -> new ArrayList<>()).add(member);
                }
            }
            for (Map.Entry<Cursor, List<Member>> group : groups.entrySet()) {
                Cursor cursor = group.getKey();
                List<Member> readers = group.getValue();
                while (!readers.isEmpty()) {
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
                    List<Member> next = new ArrayList<>(readers.size());
                    for (Member member : readers) {
                        if (member.open.get() && !member.paused && member.position.equals(cursor)) {
                            deliver(member, result, false);
                            if (member.open.get() && !member.paused) {
                                next.add(member);
                            }
                        }
                    }
                    if (!result.hasMore()) {
                        break;
                    }
                    readers = next;
                    cursor = Cursor.of(result.epoch(), result.cursor());
                }
            }
        }

        void shutdown() {
            for (Member member : List.copyOf(members)) {
                member.hubClosed();
            }
            members.clear();
        }

        private ReadResult read(Cursor cursor) {
            storeReads.increment();
            return store.read(name, cursor, batchSize);
        }

        /**
         * What a join at {@code cursor} would read, from the recent messages, or null when a read is needed:
         * the change source is unhealthy (notifications may be missing), the cursor names another epoch, or
         * it is not within the recent messages or they do not end at the known head.
         */
        private ReadResult fromMemory(Cursor cursor) {
            Recent now = memory;
            return now == null || !source.isHealthy() ? null : now.after(cursor, batchSize);
        }

        /** {@code batch} cut to {@code limit}; the same instance for every waiter with that limit. */
        ReadResult trim(ReadResult batch, int limit) {
            if (batch.messages().size() <= limit) {
                return batch;
            }
            ReadResult last = trimmed;
            if (trimmedFrom == batch && last.messages().size() == limit) {
                return last;
            }
            trimmedFrom = batch;
            trimmed = batch.limitTo(limit);
            return trimmed;
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

        /** Publishes the recent messages for joins and {@link #next} while they end at the head; else none. */
        private void refreshMemory() {
            if (head < 0 || epoch == null || recent.isEmpty() || recent.peekLast().id() != head) {
                memory = null;
                return;
            }
            Recent now = memory;
            if (now != null && now.head() == head && now.first() == recent.peekFirst().id() && now.epoch.equals(epoch)) {
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

        private void deliver(Member member, ReadResult batch, boolean first) {
            if (!first && batch.messages().isEmpty() && batch.honoured()) {
                return;
            }
            member.position = Cursor.of(batch.epoch(), batch.cursor());
            member.take(batch, first);
        }
    }

    /**
     * A channel's recent messages, contiguous in id and ending at its head, frozen for other threads. Equal
     * questions get the same answer instance, so that an answer is encoded once however many ask.
     */
    private static final class Recent {
        /** Most answers kept per snapshot: one per cursor within the recent messages, at most. */
        private static final int ANSWERS = RECENT + 1;

        final String epoch;
        private final Message[] messages;
        private final ConcurrentHashMap<Long, ReadResult> answers = new ConcurrentHashMap<>();

        Recent(String epoch, Message[] messages) {
            this.epoch = epoch;
            this.messages = messages;
        }

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
            if (head - after > limit) {
                return slice(after, limit); // cut to a limit: rare, not shared
            }
            ReadResult known = answers.get(after);
            if (known != null) {
                return known;
            }
            ReadResult answer = slice(after, limit);
            if (answers.size() < ANSWERS) {
                ReadResult raced = answers.putIfAbsent(after, answer);
                return raced != null ? raced : answer;
            }
            return answer;
        }

        private ReadResult slice(long after, int limit) {
            int from = (int) (after + 1 - first());
            int to = (int) Math.min(messages.length, (long) from + limit);
            List<Message> batch = Arrays.asList(messages).subList(from, to);
            return new ReadResult(epoch, batch, messages[to - 1].id(), to < messages.length, false, false);
        }
    }

    /** What a channel delivers to: a subscriber, or a {@link #next} call waiting for its answer. */
    private abstract class Member {
        final String channel;
        final AtomicBoolean open = new AtomicBoolean(true);
        volatile ChannelState state;
        volatile Cursor position;
        volatile boolean paused; // written on the actor only

        Member(String channel, Cursor cursor) {
            this.channel = channel;
            this.position = cursor;
        }

        /** A batch at this member's position (its new position already set); on the actor. */
        abstract void take(ReadResult batch, boolean first);

        /** The join read failed, or the hub closed before it; on the actor. */
        abstract void joinFailed(RuntimeException cause);

        /** The hub is closing; on the actor. */
        abstract void hubClosed();
    }

    private final class Sub extends Member implements HubSubscription {
        final Subscriber subscriber;

        Sub(String channel, Cursor cursor, Subscriber subscriber) {
            super(channel, cursor);
            this.subscriber = subscriber;
        }

        @Override
        void take(ReadResult batch, boolean first) {
            try {
                subscriber.onBatch(batch);
                deliveredMessages.add(batch.messages().size());
                if (!subscriber.wantsMore()) {
                    paused = true;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscriber of channel " + channel
                        + " threw; it is unsubscribed", e);
                close();
            }
        }

        @Override
        void joinFailed(RuntimeException cause) {
            if (open.compareAndSet(true, false)) {
                release(this);
                tellClosed(cause);
            }
        }

        @Override
        void hubClosed() {
            if (open.compareAndSet(true, false)) {
                subscribers.decrementAndGet();
                tellClosed(null);
            }
        }

        private void tellClosed(Throwable cause) {
            try {
                subscriber.onClose(cause);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscriber of channel " + channel + " threw in onClose", e);
            }
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

    /**
     * A {@link #next} call: answered once, by the first batch after its cursor, its timeout, the hub's
     * close, a failed read or its caller cancelling. Whatever ends it releases its place in the channel
     * before the answer is handed out, so counts never lag behind answers.
     */
    private final class Waiter extends Member {
        final int limit;
        final CompletableFuture<ReadResult> answer = new CompletableFuture<>();
        final AtomicBoolean counted = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;
        private boolean checked; // actor only: the join read answered
        private boolean expired; // actor only: the timeout came before the join read

        Waiter(String channel, Cursor cursor, int limit) {
            super(channel, cursor);
            this.limit = limit;
            answer.whenComplete((result, error) -> leave()); // the caller cancelled, or any other end
        }

        @Override
        void take(ReadResult batch, boolean first) {
            if (!batch.messages().isEmpty() || !batch.honoured()) {
                ReadResult mine = state.trim(batch, limit);
                deliveredMessages.add(mine.messages().size());
                finish(mine);
                return;
            }
            if (first) {
                checked = true;
                if (expired) {
                    finish(batch);
                } else if (counted.compareAndSet(false, true)) {
                    waiting.incrementAndGet();
                    if (!open.get() && counted.compareAndSet(true, false)) {
                        waiting.decrementAndGet(); // cancelled meanwhile: leave() ran before the count
                    }
                }
            }
        }

        /** The timeout, on the actor: empty at the position, or after the join read when it is still running. */
        void expire() {
            if (!checked) {
                expired = true;
                return;
            }
            finish(emptyAtPosition());
        }

        @Override
        void joinFailed(RuntimeException cause) {
            fail(cause);
        }

        @Override
        void hubClosed() {
            if (checked) {
                finish(emptyAtPosition());
            } else {
                fail(new IllegalStateException("hub is closed"));
            }
        }

        void fail(Throwable cause) {
            if (leave()) {
                answer.completeExceptionally(cause);
            }
        }

        private void finish(ReadResult result) {
            if (leave()) {
                answer.complete(result);
            }
        }

        private ReadResult emptyAtPosition() {
            Cursor at = position;
            return ReadResult.empty(at.epoch(), Math.max(0, at.after()));
        }

        /** Gives back the channel, timer and counts, once; whether this call did. */
        private boolean leave() {
            if (!open.compareAndSet(true, false)) {
                return false;
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            if (counted.compareAndSet(true, false)) {
                waiting.decrementAndGet();
            }
            release(this);
            return true;
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

        /**
         * Most messages per store read and per batch (default 256).
         *
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be in 1..10000 but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How often the safety sweep compares the store's heads with the hub's (default 10 s).
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
         * How long a channel stays subscribed to the change source after its last subscriber left
         * (default 30 s; zero releases it at once). Long-polls leave and come back with every answer: while
         * the channel lingers, their joins are answered from its recent messages instead of the store.
         *
         * @param linger how long a channel is followed after its last subscriber left
         * @return this builder
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
         * Threads of the hub's own pool for store reads and fan-out (default max(4, 2 x cores)).
         *
         * @param threads the number of threads
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Runs channel work on {@code pool} instead of the hub's own (the hub will not shut it down).
         *
         * @param pool the executor to run channel work on
         * @return this builder
         */
        public Builder executor(ExecutorService pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /**
         * The hub, started (its sweep is scheduled).
         *
         * @return the hub, started (its sweep is scheduled)
         */
        public ChannelHub build() {
            return new ChannelHub(this);
        }
    }
}
