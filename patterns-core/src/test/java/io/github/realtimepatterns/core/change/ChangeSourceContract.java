package io.github.realtimepatterns.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChangeSource} must do, whether it is told of new messages (a broker) or finds them
 * itself (a store poller). An implementation passes it through a one-screen subclass that implements
 * {@link #newSource(MessageStore)} and, for a source that is told, {@link #announce}.
 *
 * <p>Each test has its own store; {@link #publish} appends to it and announces the stored message, as
 * {@code RealtimeService.publish} does. A source whose subscriptions go live asynchronously (Redis, a
 * poller's first tick) needs nothing more: {@link #awaitLive} publishes probe messages until each listener
 * has heard one.
 *
 * <p>Specified here beyond the interface's javadoc: {@code subscribe} after {@code close()} throws {@link
 * IllegalStateException}; after {@code close()} returns, no listener is called; a listener that re-reads
 * the store on {@code onResync} and on a gap in ids misses nothing stored after it subscribed.
 */
public abstract class ChangeSourceContract {

    /** Data of a probe message; recorders count probes apart from real messages. */
    protected static final String PROBE = "\"probe\"";

    /** How long the kit waits for a delivery. */
    protected static final Duration WAIT = Duration.ofSeconds(20);

    private final List<ChangeSource> sources = new ArrayList<>();
    private MessageStore store;

    /** A new source, started, that hears of messages appended to {@code store}; the kit closes it after each test. */
    protected abstract ChangeSource newSource(MessageStore store);

    /**
     * Tells {@code source} that {@code stored} was appended, as a publishing node does after the commit: a
     * broker publishes it. The default does nothing, for a source that reads the store itself.
     */
    protected void announce(ChangeSource source, Message stored) {
    }

    /** This test's store (in memory, closed after the test). */
    protected final MessageStore store() {
        if (store == null) {
            store = MessageStores.inMemory();
        }
        return store;
    }

    /** A new source over {@link #store()}, closed after the test. */
    protected final ChangeSource source() {
        ChangeSource source = newSource(store());
        sources.add(source);
        return source;
    }

    /** Appends {@code {"n":n}} to {@code channel} and announces it through {@code source}; returns it. */
    protected final Message publish(ChangeSource source, String channel, int n) {
        return publishData(source, channel, "{\"n\":" + n + "}");
    }

    private Message publishData(ChangeSource source, String channel, String data) {
        Message stored = store().append(channel, data);
        announce(source, stored);
        return stored;
    }

    /**
     * Waits until {@code recorders}, subscribed to {@code channel} on {@code source}, each hear what is
     * published from now on: publishes probe messages every 20 ms until every one of them has seen one.
     */
    protected final void awaitLive(ChangeSource source, String channel, Recorder... recorders) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Arrays.stream(recorders).allMatch(r -> r.probes() > 0)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("subscription to " + channel + " on " + source.describe()
                        + " did not go live within " + WAIT.toSeconds() + " s");
            }
            publishData(source, channel, PROBE);
            pause();
        }
    }

    @AfterEach
    void closeSourcesAndStore() {
        sources.forEach(ChangeSource::close);
        sources.clear();
        if (store != null) {
            store.close();
        }
    }

    @Test
    void deliversToSubscribersOfThatChannelOnly() {
        ChangeSource source = source();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        source.subscribe("contract-a", a);
        source.subscribe("contract-b", b);
        awaitLive(source, "contract-a", a);
        awaitLive(source, "contract-b", b);

        Message onA = publish(source, "contract-a", 7);
        Message onB = publish(source, "contract-b", 8);

        b.awaitIds(onB.id());
        a.awaitIds(onA.id());
        assertThat(a.messages()).singleElement().satisfies(m -> {
            assertThat(m.channel()).isEqualTo("contract-a");
            assertThat(m.data()).isEqualTo("{\"n\":7}");
        });
        assertThat(b.messages()).extracting(Message::channel).containsExactly("contract-b");
    }

    @Test
    void deliversToEverySubscriberOfAChannel() {
        ChangeSource source = source();
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Recorder third = new Recorder();
        source.subscribe("contract-many", first);
        source.subscribe("contract-many", second);
        source.subscribe("contract-many", third);
        awaitLive(source, "contract-many", first, second, third);

        Message one = publish(source, "contract-many", 1);
        Message two = publish(source, "contract-many", 2);

        for (Recorder r : List.of(first, second, third)) {
            r.awaitIds(one.id(), two.id());
        }
    }

    @Test
    void closedSubscriptionStopsDelivery() {
        ChangeSource source = source();
        Recorder leaving = new Recorder();
        Recorder staying = new Recorder();
        Subscription subscription = source.subscribe("contract-close", leaving);
        source.subscribe("contract-close", staying);
        awaitLive(source, "contract-close", leaving, staying);

        Message one = publish(source, "contract-close", 1);
        leaving.awaitIds(one.id());
        staying.awaitIds(one.id());
        subscription.close();
        subscription.close(); // idempotent
        Message two = publish(source, "contract-close", 2);

        staying.awaitIds(one.id(), two.id());
        assertThat(leaving.ids()).containsExactly(one.id());
        assertThat(subscription.channel()).isEqualTo("contract-close");
    }

    @Test
    void lastSubscriptionClosedStopsDeliveryAndTheChannelCanBeSubscribedAgain() {
        ChangeSource source = source();
        Recorder gone = new Recorder();
        Recorder barrier = new Recorder();
        Subscription subscription = source.subscribe("contract-last", gone);
        source.subscribe("contract-barrier", barrier);
        awaitLive(source, "contract-last", gone);
        awaitLive(source, "contract-barrier", barrier);

        subscription.close();
        publish(source, "contract-last", 1);
        Message afterIt = publish(source, "contract-barrier", 2);
        barrier.awaitIds(afterIt.id());
        assertThat(gone.ids()).isEmpty();

        Recorder again = new Recorder();
        source.subscribe("contract-last", again);
        awaitLive(source, "contract-last", again);
        Message three = publish(source, "contract-last", 3);
        again.awaitIds(three.id());
        assertThat(gone.ids()).isEmpty();
    }

    @Test
    void resyncAfterSubscribeCoversWhatWasStoredBeforeTheSubscriptionWasLive() {
        ChangeSource source = source();
        StoreFollower follower = new StoreFollower(store(), "contract-resync");
        source.subscribe("contract-resync", follower);

        // At once, before a broker's SUBSCRIBE is confirmed or a poller's first tick: notifications may be
        // lost, and the source must say so with onResync once it is live.
        List<Long> stored = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stored.add(publish(source, "contract-resync", i).id());
        }
        Eventually.await(WAIT, () -> follower.ids().equals(stored),
                () -> "follower has " + follower.ids() + ", store has " + stored);
        for (int i = 5; i < 10; i++) {
            stored.add(publish(source, "contract-resync", i).id());
        }

        Eventually.await(WAIT, () -> follower.ids().equals(stored),
                () -> "follower has " + follower.ids() + ", store has " + stored);
    }

    @Test
    void listenerThatThrowsKeepsItsSubscriptionAndOthersTheirs() {
        ChangeSource source = source();
        AtomicInteger thrown = new AtomicInteger();
        Recorder throwing = new Recorder() {
            @Override
            public void onMessage(Message message) {
                super.onMessage(message);
                if (!message.data().equals(PROBE)) {
                    thrown.incrementAndGet();
                    if (message.data().equals("{\"n\":2}")) {
                        throw new AssertionError("listener fails an assertion on purpose");
                    }
                    throw new IllegalStateException("listener fails on purpose");
                }
            }

            @Override
            public void onResync() {
                super.onResync();
                throw new IllegalStateException("listener fails on resync on purpose");
            }
        };
        Recorder calm = new Recorder();
        source.subscribe("contract-throw", throwing);
        source.subscribe("contract-throw", calm);
        awaitLive(source, "contract-throw", throwing, calm);

        long[] ids = {
            publish(source, "contract-throw", 1).id(),
            publish(source, "contract-throw", 2).id(),
            publish(source, "contract-throw", 3).id()};

        calm.awaitIds(ids);
        throwing.awaitIds(ids);
        assertThat(thrown).hasValue(3);
    }

    @Test
    void isHealthyWhileItDelivers() {
        ChangeSource source = source();
        Recorder recorder = new Recorder();
        source.subscribe("contract-health", recorder);
        awaitLive(source, "contract-health", recorder);

        Eventually.await(WAIT, source::isHealthy, source.describe() + " healthy");
        assertThat(source.describe()).isNotBlank();
    }

    @Test
    void closeEndsEverySubscriptionAndIsIdempotent() {
        ChangeSource source = source();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Subscription onA = source.subscribe("contract-end-a", a);
        source.subscribe("contract-end-b", b);
        awaitLive(source, "contract-end-a", a);
        awaitLive(source, "contract-end-b", b);

        source.close();
        source.close();
        int resyncs = a.resyncs() + b.resyncs();
        for (String channel : List.of("contract-end-a", "contract-end-b")) {
            try {
                publish(source, channel, 1);
            } catch (RealtimeException allowed) {
                // A closed broker may refuse to announce; the message is stored all the same.
            }
        }
        onA.close(); // after the source's close: harmless

        // close() has returned: nothing may reach a listener any more, so there is nothing to wait for.
        assertThat(a.ids()).isEmpty();
        assertThat(b.ids()).isEmpty();
        assertThat(a.resyncs() + b.resyncs()).isEqualTo(resyncs);
        assertThatThrownBy(() -> source.subscribe("contract-end-a", new Recorder()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(source.describe()).isNotBlank();
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Records the messages it hears (probes apart) and how many resyncs. Thread-safe. */
    public static class Recorder implements ChangeListener {
        private final List<Message> messages = new CopyOnWriteArrayList<>();
        private final AtomicInteger probes = new AtomicInteger();
        private final AtomicInteger resyncs = new AtomicInteger();

        @Override
        public void onMessage(Message message) {
            if (message.data().equals(PROBE)) {
                probes.incrementAndGet();
            } else {
                messages.add(message);
            }
        }

        @Override
        public void onResync() {
            resyncs.incrementAndGet();
        }

        /** The messages heard, probes apart, in arrival order. */
        public List<Message> messages() {
            return List.copyOf(messages);
        }

        /** Ids of {@link #messages()}. */
        public List<Long> ids() {
            return messages.stream().map(Message::id).toList();
        }

        /** Probe messages heard. */
        public int probes() {
            return probes.get();
        }

        /** Resyncs heard. */
        public int resyncs() {
            return resyncs.get();
        }

        /** Waits until exactly these ids were heard, in this order. */
        public void awaitIds(long... expected) {
            List<Long> want = Arrays.stream(expected).boxed().toList();
            Eventually.await(WAIT, () -> ids().equals(want), () -> "ids " + want + " but heard " + ids());
        }
    }

    /**
     * Follows one channel the way the hub does: takes a notification whose id is the next one, and re-reads
     * the store after its cursor on {@code onResync} or a gap. It starts at the channel's head when made.
     */
    private static final class StoreFollower implements ChangeListener {
        private final MessageStore store;
        private final String channel;
        private final List<Long> ids = new ArrayList<>();
        private long cursor;

        StoreFollower(MessageStore store, String channel) {
            this.store = store;
            this.channel = channel;
            this.cursor = store.head(channel);
        }

        @Override
        public synchronized void onMessage(Message message) {
            if (message.id() == cursor + 1) {
                take(message);
            } else if (message.id() > cursor) {
                catchUp();
            }
        }

        @Override
        public synchronized void onResync() {
            catchUp();
        }

        private void catchUp() {
            ReadResult read = store.read(channel, Cursor.after(cursor), 1000);
            read.messages().forEach(this::take);
        }

        private void take(Message message) {
            ids.add(message.id());
            cursor = message.id();
        }

        synchronized List<Long> ids() {
            return List.copyOf(ids);
        }
    }
}
