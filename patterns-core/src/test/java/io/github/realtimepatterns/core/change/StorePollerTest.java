package io.github.realtimepatterns.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.StoreException;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The store poller passes the change-source kit, plus what only a poller has: its cost, cursors and failures. */
class StorePollerTest extends ChangeSourceContract {

    @Override
    protected ChangeSource newSource(MessageStore store) {
        return StorePoller.builder(store).interval(Duration.ofMillis(10)).batchSize(50).build();
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(0, c);
        return c;
    }

    private StorePoller poller(MessageStore store) {
        return closing(StorePoller.builder(store).interval(Duration.ofMillis(10)).batchSize(50).build());
    }

    @ParameterizedTest(name = "{0} channels x {1} listeners")
    @CsvSource({"1, 1", "1, 200", "20, 1", "20, 200"})
    void costsOneQueryPerTickWhateverTheNumberOfListenersAndChannels(int channelCount, int listenersPerChannel) {
        WatchedStore store = closing(new WatchedStore(MessageStores.h2InMemory()));
        StorePoller poller = poller(store);
        List<Recorder> recorders = new ArrayList<>();
        for (int c = 0; c < channelCount; c++) {
            store.append("ch" + c, "0");
            for (int l = 0; l < listenersPerChannel; l++) {
                Recorder r = new Recorder();
                recorders.add(r);
                poller.subscribe("ch" + c, r);
            }
        }
        Eventually.await(WAIT, () -> recorders.stream().allMatch(r -> r.resyncs() > 0));
        for (int c = 0; c < channelCount; c++) {
            store.append("ch" + c, "1");
        }
        Eventually.await(WAIT, () -> recorders.stream().allMatch(r -> r.ids().contains(2L)));
        // Measured while nothing else uses the store, so the store's query count is the poller's.
        int ticksBefore = store.queriesPerReadMany.size();
        Eventually.await(WAIT, () -> store.queriesPerReadMany.size() >= ticksBefore + 5);
        assertThat(List.copyOf(store.queriesPerReadMany).subList(ticksBefore, ticksBefore + 5))
                .as("%d channels x %d listeners", channelCount, listenersPerChannel)
                .containsOnly(1L);
        assertThat(store.otherCalls.get()).as("reads outside readMany").isZero();
        assertThat(poller.pollCount()).isGreaterThanOrEqualTo(store.readManyCalls.get());
    }

    @Test
    void deliversNewMessagesInIdOrderToEveryListener() {
        MessageStore store = closing(MessageStores.inMemory());
        StorePoller poller = poller(store);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        poller.subscribe("chat", a);
        poller.subscribe("chat", b);
        Eventually.await(WAIT, () -> a.resyncs() > 0 && b.resyncs() > 0);
        for (int i = 0; i < 120; i++) {
            store.append("chat", "{\"i\":" + i + "}");
        }
        Eventually.await(WAIT, () -> a.ids().size() == 120 && b.ids().size() == 120);
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, 120).boxed().toList();
        assertThat(a.ids()).containsExactlyElementsOf(expected);
        assertThat(b.ids()).containsExactlyElementsOf(expected);
    }

    @Test
    void newChannelStartsAtTheHeadAndAsksListenersToResync() {
        MessageStore store = closing(MessageStores.inMemory());
        store.append("chat", "1");
        store.append("chat", "2");
        StorePoller poller = poller(store);
        Recorder r = new Recorder();
        poller.subscribe("chat", r);
        Eventually.await(WAIT, () -> r.resyncs() == 1);
        store.append("chat", "3");
        Eventually.await(WAIT, () -> r.ids().equals(List.of(3L)));
    }

    @Test
    void resyncsListenersAfterTheStoreWasWiped() {
        WatchedStore store = closing(new WatchedStore(MessageStores.inMemory()));
        StorePoller poller = poller(store);
        Recorder r = new Recorder();
        poller.subscribe("chat", r);
        Eventually.await(WAIT, () -> r.resyncs() == 1);
        store.append("chat", "1");
        store.append("chat", "2");
        Eventually.await(WAIT, () -> r.ids().size() == 2);
        store.replaceWith(MessageStores.inMemory()); // a restart: new epoch, ids from 1 again
        Eventually.await(WAIT, () -> r.resyncs() >= 2);
        store.append("chat", "new 1");
        store.append("chat", "new 2");
        store.append("chat", "new 3");
        Eventually.await(WAIT, () -> r.ids().size() >= 5, () -> "ids " + r.ids());
        assertThat(r.ids()).containsExactly(1L, 2L, 1L, 2L, 3L);
    }

    @Test
    void aListenerThatThrowsDoesNotStopOthersOrItself() {
        MessageStore store = closing(MessageStores.inMemory());
        StorePoller poller = poller(store);
        AtomicInteger thrown = new AtomicInteger();
        poller.subscribe("chat", new ChangeListener() {
            @Override
            public void onMessage(Message message) {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onResync() {
                throw new IllegalStateException("listener bug on resync");
            }
        });
        Recorder ok = new Recorder();
        poller.subscribe("chat", ok);
        Eventually.await(WAIT, () -> ok.resyncs() > 0);
        store.append("chat", "1");
        store.append("chat", "2");
        Eventually.await(WAIT, () -> ok.ids().size() == 2 && thrown.get() == 2);
    }

    @Test
    void storeFailuresAreRetriedOnTheNextTick() {
        WatchedStore store = closing(new WatchedStore(MessageStores.inMemory()));
        StorePoller poller = poller(store);
        Recorder r = new Recorder();
        poller.subscribe("chat", r);
        Eventually.await(WAIT, () -> r.resyncs() == 1);
        store.failing.set(true);
        int before = store.readManyCalls.get();
        Eventually.await(WAIT, () -> store.readManyCalls.get() >= before + 3);
        assertThat(poller.isHealthy()).isFalse();
        store.append("chat", "1");
        store.failing.set(false);
        Eventually.await(WAIT, () -> r.ids().equals(List.of(1L)));
        Eventually.await(WAIT, poller::isHealthy);
    }

    @Test
    void closedSubscriptionAndClosedPollerStopPolling() {
        WatchedStore store = closing(new WatchedStore(MessageStores.inMemory()));
        StorePoller poller = StorePoller.builder(store).interval(Duration.ofMillis(10)).build();
        Recorder r = new Recorder();
        Subscription sub = poller.subscribe("chat", r);
        Eventually.await(WAIT, () -> store.readManyCalls.get() >= 2);
        sub.close();
        sub.close();
        assertThat(poller.channelCount()).isZero();
        poller.close();
        poller.close();
        int after = store.readManyCalls.get();
        store.append("chat", "1");
        // The poller's thread is joined by close(): nothing can poll afterwards.
        assertThat(store.readManyCalls.get()).isEqualTo(after);
        assertThat(r.ids()).isEmpty();
        assertThatThrownBy(() -> poller.subscribe("chat", r)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderRejectsBadSettings() {
        MessageStore store = closing(MessageStores.inMemory());
        assertThatThrownBy(() -> StorePoller.builder(store).interval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
        assertThatThrownBy(() -> StorePoller.builder(store).batchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
    }

    /**
     * Passes every call to a real store and records how the poller uses it: the SQL statements each
     * readMany cost, and calls other than readMany. It can be swapped for a fresh store (a restart) or made
     * to fail (an outage).
     */
    private static final class WatchedStore implements MessageStore {
        volatile MessageStore delegate;
        final AtomicInteger readManyCalls = new AtomicInteger();
        final AtomicInteger otherCalls = new AtomicInteger();
        final List<Long> queriesPerReadMany = new CopyOnWriteArrayList<>();
        final AtomicBoolean failing = new AtomicBoolean();

        WatchedStore(MessageStore delegate) {
            this.delegate = delegate;
        }

        void replaceWith(MessageStore fresh) {
            MessageStore old = delegate;
            delegate = fresh;
            old.close();
        }

        @Override
        public Message append(String channel, String data) {
            return delegate.append(channel, data);
        }

        @Override
        public ReadResult read(String channel, Cursor cursor, int limit) {
            otherCalls.incrementAndGet();
            return delegate.read(channel, cursor, limit);
        }

        @Override
        public long head(String channel) {
            otherCalls.incrementAndGet();
            return delegate.head(channel);
        }

        @Override
        public Map<String, Long> heads(Collection<String> channels) {
            otherCalls.incrementAndGet();
            return delegate.heads(channels);
        }

        @Override
        public Map<String, ReadResult> readMany(Map<String, Cursor> cursors, int limitPerChannel) {
            try {
                if (failing.get()) {
                    throw new StoreException("store down (test)");
                }
                MessageStore store = delegate;
                long before = store.queryCount();
                Map<String, ReadResult> results = store.readMany(cursors, limitPerChannel);
                queriesPerReadMany.add(store.queryCount() - before);
                return results;
            } finally {
                readManyCalls.incrementAndGet();
            }
        }

        @Override
        public long queryCount() {
            return delegate.queryCount();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
