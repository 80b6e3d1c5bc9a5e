package io.github.realtimepatterns.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.change.ChangeListener;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.change.Subscription;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChannelHubTest {

    private final MessageStore store = MessageStores.inMemory();
    private final InJvmBroker broker = new InJvmBroker();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        broker.close();
        store.close();
    }

    private ChannelHub hub(ChangeSource source, Duration sweep) {
        return hub(source, sweep, Duration.ZERO);
    }

    private ChannelHub hub(ChangeSource source, Duration sweep, Duration linger) {
        ChannelHub hub = ChannelHub.builder(store, source).sweepInterval(sweep).linger(linger).build();
        open.add(0, hub);
        return hub;
    }

    private Message publish(String channel, int n) {
        Message m = store.append(channel, "{\"n\":" + n + "}");
        broker.publish(m);
        return m;
    }

    /** Records batches; a Subscriber that hands messages to a RecordingListener. */
    private static class Recorder implements Subscriber {
        final RecordingListener got = new RecordingListener();
        final List<ReadResult> batches = new CopyOnWriteArrayList<>();

        @Override
        public void onBatch(ReadResult batch) {
            batches.add(batch);
            if (!batch.honoured()) {
                got.onReset("c", batch);
            }
            batch.messages().forEach(got::onMessage);
        }
    }

    @Test
    void rejoiningJustBehindTheHeadIsAnsweredFromRecentMessagesWithoutAStoreRead() throws Exception {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        publish("c", 0);
        Recorder stay = new Recorder(); // keeps the channel's state alive between the rejoins below
        hub.subscribe("c", Cursor.after(0), stay);
        stay.got.awaitCount(1);
        String epoch = stay.batches.get(0).epoch();
        for (int i = 1; i <= 3; i++) {
            publish("c", i);
        }
        stay.got.awaitCount(4);
        long reads = hub.storeReads();
        Recorder behind = new Recorder();
        hub.subscribe("c", Cursor.of(epoch, 2), behind);
        behind.got.awaitCount(2);
        Recorder atHead = new Recorder();
        hub.subscribe("c", Cursor.of(epoch, 4), atHead);
        Eventually.await(Duration.ofSeconds(5), () -> !atHead.batches.isEmpty(), "the join answer");
        assertThat(behind.got.ids()).containsExactly(3L, 4L);
        assertThat(atHead.batches.get(0).messages()).isEmpty();
        assertThat(hub.storeReads()).isEqualTo(reads);
        assertThat(hub.joinsFromMemory()).isEqualTo(2);
        publish("c", 4);
        atHead.got.awaitCount(1);
        assertThat(atHead.got.ids()).containsExactly(5L);
        Recorder otherEpoch = new Recorder();
        hub.subscribe("c", Cursor.of("not-" + epoch, 5), otherEpoch);
        Eventually.await(Duration.ofSeconds(5), () -> !otherEpoch.batches.isEmpty(), "the join answer");
        assertThat(hub.storeReads()).as("a cursor of another epoch is read from the store").isEqualTo(reads + 1);
    }

    @Test
    void joiningFromACursorBackfillsThenGoesLiveWithoutGapsOrRepeats() throws Exception {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        for (int i = 0; i < 5; i++) {
            publish("c", i);
        }
        Recorder r = new Recorder();
        hub.subscribe("c", Cursor.after(2), r);
        // Publish while the join is in flight: each message must arrive exactly once either way.
        for (int i = 5; i < 50; i++) {
            publish("c", i);
        }
        r.got.awaitCount(48);
        assertThat(r.got.ids()).isEqualTo(RecordingListener.range(3, 50));
    }

    @Test
    void theFirstBatchAnswersTheJoinEvenWhenEmpty() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        publish("c", 0);
        Recorder r = new Recorder();
        HubSubscription s = hub.subscribe("c", Cursor.head(), r);
        Eventually.await(() -> !r.batches.isEmpty(), "first batch");
        assertThat(r.batches.get(0).messages()).isEmpty();
        assertThat(r.batches.get(0).cursor()).isEqualTo(1);
        assertThat(s.position().epoch()).isEqualTo(r.batches.get(0).epoch());
    }

    @Test
    void aGapInNotifiedIdsIsFilledFromTheStore() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        Recorder r = new Recorder();
        hub.subscribe("c", Cursor.after(0), r);
        Eventually.await(() -> !r.batches.isEmpty(), "join");
        store.append("c", "1"); // stored but never notified: a lost notification
        store.append("c", "2");
        publish("c", 3); // id 3 arrives; 1 and 2 must come from the store, first
        r.got.awaitCount(3);
        assertThat(r.got.ids()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void theSafetySweepDeliversWhatNoNotificationAnnounced() {
        ChannelHub hub = hub(broker, Duration.ofMillis(100));
        Recorder r = new Recorder();
        hub.subscribe("c", Cursor.after(0), r);
        Eventually.await(() -> !r.batches.isEmpty(), "join");
        store.append("c", "1");
        r.got.awaitCount(1);
        assertThat(r.got.ids()).containsExactly(1L);
    }

    @Test
    void manySubscribersAtTheHeadCostOneStoreReadPerNotificationGap() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Recorder r = new Recorder();
            recorders.add(r);
            hub.subscribe("c", Cursor.after(0), r);
        }
        Eventually.await(() -> recorders.stream().allMatch(r -> !r.batches.isEmpty()), "all joined");
        long readsBefore = hub.storeReads();
        for (int i = 0; i < 10; i++) {
            publish("c", i);
        }
        for (Recorder r : recorders) {
            r.got.awaitCount(10);
            assertThat(r.got.ids()).isEqualTo(RecordingListener.range(1, 10));
        }
        assertThat(hub.storeReads() - readsBefore).as("in-order notifications need no store read").isZero();
    }

    @Test
    void aResyncFromTheSourceReReadsTheStore() {
        ManualSource source = new ManualSource();
        ChannelHub hub = hub(source, Duration.ofMinutes(5));
        Recorder r = new Recorder();
        hub.subscribe("c", Cursor.after(0), r);
        Eventually.await(() -> !r.batches.isEmpty(), "join");
        store.append("c", "1");
        store.append("c", "2");
        source.resync();
        r.got.awaitCount(2);
        assertThat(r.got.ids()).containsExactly(1L, 2L);
    }

    @Test
    void aPausedSubscriberCatchesUpFromTheStoreWhenResumed() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        AtomicBoolean wants = new AtomicBoolean(true);
        Recorder r = new Recorder();
        Subscriber gated = new Subscriber() {
            @Override
            public void onBatch(ReadResult batch) {
                r.onBatch(batch);
            }

            @Override
            public boolean wantsMore() {
                return wants.get();
            }
        };
        HubSubscription s = hub.subscribe("c", Cursor.after(0), gated);
        Eventually.await(() -> !r.batches.isEmpty(), "join");
        publish("c", 1);
        r.got.awaitCount(1);
        wants.set(false);
        publish("c", 2); // delivered: the pause starts after this batch
        r.got.awaitCount(2);
        publish("c", 3);
        publish("c", 4);
        assertThat(r.got.ids()).containsExactly(1L, 2L);
        wants.set(true);
        s.resume();
        r.got.awaitCount(4);
        assertThat(r.got.ids()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aLateNotificationReachesAMemberLeftBehindByAStoreReadMadeForAnother() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        Recorder live = new Recorder();
        hub.subscribe("c", Cursor.after(0), live);
        java.util.concurrent.atomic.AtomicBoolean wants = new java.util.concurrent.atomic.AtomicBoolean(false);
        Recorder paused = new Recorder() {
            @Override
            public boolean wantsMore() {
                return wants.get();
            }
        };
        HubSubscription slow = hub.subscribe("c", Cursor.after(0), paused);
        Eventually.await(() -> !live.batches.isEmpty() && !paused.batches.isEmpty(), "both joined");
        // Stored, not yet announced: the paused member's resume reads them and moves the channel's head past
        // the live member, whose notifications then arrive late, after that read.
        List<Message> stored = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            stored.add(store.append("c", String.valueOf(i)));
        }
        wants.set(true);
        slow.resume();
        paused.got.awaitCount(3);
        stored.forEach(broker::publish);
        live.got.awaitCount(3);
        assertThat(live.got.ids()).containsExactly(1L, 2L, 3L);
        assertThat(paused.got.ids()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aThrowingSubscriberIsRemovedWithoutHurtingOthers() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        AtomicInteger calls = new AtomicInteger();
        hub.subscribe("c", Cursor.after(0), batch -> {
            calls.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        Recorder r = new Recorder();
        hub.subscribe("c", Cursor.after(0), r);
        Eventually.await(() -> r.batches.size() >= 1 && calls.get() >= 1, "both joined");
        publish("c", 1);
        publish("c", 2);
        r.got.awaitCount(2);
        assertThat(calls.get()).isEqualTo(1);
        Eventually.await(() -> hub.subscriberCount() == 1, "the throwing subscriber was removed");
    }

    @Test
    void closingTheLastSubscriptionReleasesTheChannelAndItsSourceSubscription() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5));
        HubSubscription a = hub.subscribe("c", Cursor.head(), new Recorder());
        HubSubscription b = hub.subscribe("c", Cursor.head(), new Recorder());
        assertThat(broker.channelCount()).isEqualTo(1);
        a.close();
        assertThat(hub.channelCount()).isEqualTo(1);
        b.close();
        b.close();
        assertThat(hub.channelCount()).isZero();
        assertThat(hub.subscriberCount()).isZero();
        assertThat(broker.channelCount()).isZero();
    }

    @Test
    void aChannelLingersAfterItsLastSubscriberSoARejoinNeedsNoStoreRead() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5), Duration.ofMillis(500));
        Recorder first = new Recorder();
        HubSubscription a = hub.subscribe("c", Cursor.after(0), first);
        Eventually.await(() -> !first.batches.isEmpty(), "join");
        a.close();
        assertThat(hub.channelCount()).as("lingering").isEqualTo(1);
        assertThat(broker.channelCount()).as("still subscribed to the source").isEqualTo(1);
        publish("c", 1); // heard while nobody is subscribed: the head stays true
        long reads = hub.storeReads();
        Recorder again = new Recorder();
        hub.subscribe("c", Cursor.after(0), again);
        again.got.awaitCount(1);
        assertThat(again.got.ids()).containsExactly(1L);
        assertThat(hub.storeReads()).as("answered from the recent messages").isEqualTo(reads);
    }

    @Nested
    @DisplayName("next(channel, cursor, limit, wait)")
    class Next {

        private ReadResult await(CompletionStage<ReadResult> stage) {
            try {
                return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Test
        void answersAtOnceFromMemoryUpToTheLimitWithoutAReadAndSharesEqualAnswers() {
            ChannelHub hub = hub(broker, Duration.ofMinutes(5), Duration.ofMillis(200));
            Recorder stay = new Recorder();
            HubSubscription s = hub.subscribe("c", Cursor.after(0), stay);
            Eventually.await(() -> !stay.batches.isEmpty(), "join");
            for (int i = 1; i <= 4; i++) {
                publish("c", i);
            }
            stay.got.awaitCount(4);
            String epoch = stay.batches.get(0).epoch();
            long reads = hub.storeReads();
            CompletableFuture<ReadResult> two = hub.next("c", Cursor.of(epoch, 1), 2, Duration.ofSeconds(10))
                    .toCompletableFuture();
            assertThat(two).as("complete on return").isDone();
            assertThat(two.join().messages()).extracting(Message::id).containsExactly(2L, 3L);
            assertThat(two.join().cursor()).isEqualTo(3);
            assertThat(two.join().hasMore()).isTrue();
            ReadResult rest = hub.next("c", Cursor.after(3), 10, Duration.ofSeconds(10)).toCompletableFuture().join();
            assertThat(rest.messages()).extracting(Message::id).containsExactly(4L);
            assertThat(rest.hasMore()).isFalse();
            assertThat(rest.epoch()).isEqualTo(epoch);
            assertThat(hub.next("c", Cursor.of(epoch, 3), 10, Duration.ZERO).toCompletableFuture().join())
                    .as("the same question, the same answer instance").isSameAs(rest);
            assertThat(hub.storeReads()).isEqualTo(reads);
            assertThat(hub.subscriberCount()).as("nothing joined").isEqualTo(1);
            s.close();
        }

        @Test
        void withoutWaitReadsTheStoreWhenMemoryCannotTell() {
            ChannelHub hub = hub(broker, Duration.ofMinutes(5));
            publish("c", 1);
            long reads = hub.storeReads();
            ReadResult r = await(hub.next("c", Cursor.after(0), 10, Duration.ZERO));
            assertThat(r.messages()).extracting(Message::id).containsExactly(1L);
            ReadResult empty = await(hub.next("c", Cursor.after(1), 10, Duration.ZERO));
            assertThat(empty.messages()).isEmpty();
            assertThat(empty.cursor()).isEqualTo(1);
            assertThat(hub.storeReads()).isEqualTo(reads + 2);
            assertThat(hub.channelCount()).as("a read without wait follows nothing").isZero();
        }

        @Test
        void waitsForAPublishAndAnswersEveryWaiterWithTheSameBatch() {
            ChannelHub hub = hub(broker, Duration.ofMinutes(5));
            publish("c", 1);
            List<CompletableFuture<ReadResult>> waits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waits.add(hub.next("c", Cursor.after(1), 10, Duration.ofSeconds(20)).toCompletableFuture());
            }
            Eventually.await(() -> hub.waitingCount() == 20, "all twenty wait");
            assertThat(hub.subscriberCount()).isEqualTo(20);
            assertThat(waits).noneMatch(CompletableFuture::isDone);
            publish("c", 2);
            ReadResult first = await(waits.get(0));
            assertThat(first.messages()).extracting(Message::id).containsExactly(2L);
            for (CompletableFuture<ReadResult> w : waits) {
                assertThat(await(w)).isSameAs(first);
            }
            assertThat(hub.waitingCount()).isZero();
            assertThat(hub.subscriberCount()).isZero();
        }

        @Test
        void answersEmptyAtItsCursorWhenTheWaitRunsOut() {
            ChannelHub hub = hub(broker, Duration.ofMinutes(5));
            publish("c", 1);
            publish("c", 2);
            long t0 = System.nanoTime();
            ReadResult r = await(hub.next("c", Cursor.head(), 10, Duration.ofMillis(300)));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(280));
            assertThat(r.messages()).isEmpty();
            assertThat(r.cursor()).as("the head, learned by the read").isEqualTo(2);
            assertThat(r.epoch()).isEqualTo(store.read("c", Cursor.after(0), 1).epoch());
            assertThat(hub.waitingCount()).isZero();
            assertThat(hub.subscriberCount()).isZero();
        }

        @Test
        void neverMissesAPublishBetweenItsReadAndItsWait() {
            // The store answers the join read, then a message is published before the waiter is parked.
            AtomicBoolean armed = new AtomicBoolean();
            MessageStore racing = new RacingStore(store, () -> {
                if (armed.compareAndSet(true, false)) {
                    publish("race", 0);
                }
            });
            ChannelHub hub = ChannelHub.builder(racing, broker).sweepInterval(Duration.ofMinutes(5))
                    .linger(Duration.ZERO).build();
            open.add(0, hub);
            for (int i = 0; i < 50; i++) {
                long head = store.head("race");
                armed.set(true);
                ReadResult r = await(hub.next("race", Cursor.after(head), 10, Duration.ofSeconds(20)));
                assertThat(r.messages()).as("iteration %d", i).extracting(Message::id).containsExactly(head + 1);
            }
        }

        @Test
        void aCancelledWaitReleasesTheChannel() {
            ChannelHub hub = hub(broker, Duration.ofMinutes(5));
            CompletableFuture<ReadResult> w = hub.next("c", Cursor.after(0), 10, Duration.ofSeconds(20))
                    .toCompletableFuture();
            Eventually.await(() -> hub.waitingCount() == 1, "waiting");
            w.cancel(false);
            assertThat(hub.waitingCount()).isZero();
            assertThat(hub.subscriberCount()).isZero();
            Eventually.await(() -> hub.channelCount() == 0 && broker.channelCount() == 0, "channel released");
        }

        @Test
        void closingTheHubAnswersWaitersEmptyAtTheirCursor() {
            ChannelHub hub = ChannelHub.builder(store, broker).build();
            publish("c", 1);
            CompletableFuture<ReadResult> w = hub.next("c", Cursor.after(1), 10, Duration.ofSeconds(20))
                    .toCompletableFuture();
            Eventually.await(() -> hub.waitingCount() == 1, "waiting");
            hub.close();
            ReadResult r = await(w);
            assertThat(r.messages()).isEmpty();
            assertThat(r.cursor()).isEqualTo(1);
            assertThatThrownBy(() -> hub.next("c", Cursor.after(1), 10, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aLingeringChannelAnswersFromMemoryAndForgetsWhenReleased() {
            ChannelHub hub = hub(broker, Duration.ofMinutes(5), Duration.ofMillis(200));
            Recorder stay = new Recorder();
            HubSubscription s = hub.subscribe("c", Cursor.after(0), stay);
            Eventually.await(() -> !stay.batches.isEmpty(), "join");
            publish("c", 1);
            stay.got.awaitCount(1);
            String epoch = stay.batches.get(0).epoch();
            s.close();
            publish("c", 2); // heard while lingering: memory stays true
            Eventually.await(() -> hub.next("c", Cursor.of(epoch, 1), 10, Duration.ZERO).toCompletableFuture()
                    .isDone(), "the lingering channel learned #2");
            long reads = hub.storeReads();
            assertThat(hub.next("c", Cursor.of(epoch, 1), 10, Duration.ZERO).toCompletableFuture().join().messages())
                    .extracting(Message::id).containsExactly(2L);
            assertThat(hub.storeReads()).isEqualTo(reads);
            Eventually.await(() -> hub.channelCount() == 0, "channel released");
            long readsBeforeRelease = hub.storeReads();
            assertThat(hub.next("c", Cursor.of(epoch, 1), 10, Duration.ZERO).toCompletableFuture().join().messages())
                    .extracting(Message::id).containsExactly(2L);
            assertThat(hub.storeReads()).as("read from the store once released").isGreaterThan(readsBeforeRelease);
        }

        @Test
        void refusesBadArguments() {
            ChannelHub hub = hub(broker, Duration.ofMinutes(5));
            assertThatThrownBy(() -> hub.next("c", Cursor.head(), 0, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
            assertThatThrownBy(() -> hub.next("c", Cursor.head(), 1, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wait");
            assertThatThrownBy(() -> hub.next("bad name", Cursor.head(), 1, Duration.ZERO))
                    .isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void aLingeringChannelIsReleasedWhenItsTimeIsUp() {
        ChannelHub hub = hub(broker, Duration.ofMinutes(5), Duration.ofMillis(100));
        hub.subscribe("c", Cursor.head(), new Recorder()).close();
        Eventually.await(() -> hub.channelCount() == 0 && broker.channelCount() == 0, "channel released");
    }

    @Test
    void lingeringChannelsAreBoundedPerNodeTheOldestReleasedFirst() {
        ChannelHub hub = ChannelHub.builder(store, broker).sweepInterval(Duration.ofMinutes(5))
                .linger(Duration.ofMinutes(5)).maxLingering(3).build();
        open.add(0, hub);
        HubSubscription busy = hub.subscribe("busy", Cursor.head(), new Recorder());
        for (int i = 0; i < 1000; i++) {
            hub.subscribe("passing-" + i, Cursor.head(), new Recorder()).close();
        }
        assertThat(hub.channelCount()).as("the subscribed one and three lingering").isEqualTo(4);
        Eventually.await(() -> broker.channelCount() == 4, "released channels left the source");
        HubSubscription back = hub.subscribe("passing-999", Cursor.head(), new Recorder());
        for (int i = 0; i < 10; i++) {
            hub.subscribe("again-" + i, Cursor.head(), new Recorder()).close();
        }
        assertThat(hub.channelCount()).as("two subscribed, three lingering").isEqualTo(5);
        back.close();
        busy.close();
        assertThat(hub.channelCount()).isEqualTo(3);
        Eventually.await(() -> broker.channelCount() == 3, "released channels left the source");
    }

    @Test
    void closingTheHubTellsEverySubscriber() {
        ChannelHub hub = ChannelHub.builder(store, broker).build();
        AtomicInteger closed = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            hub.subscribe("c" + i, Cursor.head(), new Subscriber() {
                @Override
                public void onBatch(ReadResult batch) {
                }

                @Override
                public void onClose(Throwable cause) {
                    closed.incrementAndGet();
                }
            });
        }
        Eventually.await(() -> hub.subscriberCount() == 3, "joined");
        hub.close();
        Eventually.await(() -> closed.get() == 3, "every subscriber told");
        assertThat(hub.subscriberCount()).isZero();
    }

    /** The in-memory store, running {@code afterRead} after each read has been answered and before it returns. */
    private static final class RacingStore implements MessageStore {
        final MessageStore delegate;
        final Runnable afterRead;

        RacingStore(MessageStore delegate, Runnable afterRead) {
            this.delegate = delegate;
            this.afterRead = afterRead;
        }

        @Override
        public Message append(String channel, String data) {
            return delegate.append(channel, data);
        }

        @Override
        public ReadResult read(String channel, Cursor cursor, int limit) {
            ReadResult r = delegate.read(channel, cursor, limit);
            afterRead.run();
            return r;
        }

        @Override
        public long head(String channel) {
            return delegate.head(channel);
        }

        @Override
        public void close() {
        }
    }

    /** A change source the test drives by hand, to simulate a reconnect. */
    private static final class ManualSource implements ChangeSource {
        final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public Subscription subscribe(String channel, ChangeListener listener) {
            listeners.add(listener);
            return new Subscription() {
                @Override
                public String channel() {
                    return channel;
                }

                @Override
                public void close() {
                    listeners.remove(listener);
                }
            };
        }

        void resync() {
            listeners.forEach(ChangeListener::onResync);
        }

        @Override
        public void close() {
            listeners.clear();
        }
    }
}
