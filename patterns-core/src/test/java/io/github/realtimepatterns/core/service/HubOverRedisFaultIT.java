package io.github.realtimepatterns.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.hub.Subscriber;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (services sharing one store, each with its own Redis broker) keep every subscriber exact
 * while redis-server is killed and restarted mid-stream: no message lost, none repeated, all in order.
 * The hub's sweep is set to 30 s so only the resync after reconnect (and gap reads) can save the day.
 */
class HubOverRedisFaultIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CHANNEL = "orders";
    private static final int MESSAGES = 300;

    private RedisServer redis;
    private MessageStore store;
    private RedisBroker brokerA;
    private RedisBroker brokerB;
    private RealtimeService nodeA;
    private RealtimeService nodeB;

    @BeforeEach
    void startNodes() {
        redis = RedisServer.start();
        store = MessageStores.inMemory();
        brokerA = broker();
        brokerB = broker();
        nodeA = RealtimeService.builder(store).broker(brokerA).sweepInterval(Duration.ofSeconds(30)).build();
        nodeB = RealtimeService.builder(store).broker(brokerB).sweepInterval(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void stopNodes() {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB, brokerA, brokerB, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError("closing " + c + " failed", e);
            }
        }
    }

    @Test
    void everySubscriberGetsEveryMessageOnceInOrderAcrossTwoRedisRestarts() throws InterruptedException {
        List<Collector> collectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Collector c = new Collector();
            nodeB.subscribe(CHANNEL, Cursor.after(0), c);
            collectors.add(c);
        }
        Collector onA = new Collector();
        nodeA.subscribe(CHANNEL, Cursor.after(0), onA);
        collectors.add(onA);
        Eventually.await(WAIT, () -> brokerA.isHealthy() && brokerB.isHealthy(), "both brokers connected");

        AtomicInteger published = new AtomicInteger();
        AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                for (int i = 1; i <= MESSAGES; i++) {
                    Message m = nodeA.publish(CHANNEL, "{\"n\":" + i + "}");
                    assertThat(m.id()).isEqualTo(i);
                    published.set(i);
                    Thread.sleep(10); // pacing only
                }
            } catch (Throwable t) {
                publisherFailure.set(t);
            }
        }, "publisher");
        publisher.start();

        for (int outage : new int[] {80, 180}) {
            Eventually.await(WAIT, () -> published.get() >= outage, "publisher reached " + outage);
            redis.stop();
            int downAt = published.get();
            Eventually.await(WAIT, () -> published.get() >= downAt + 20, "20 publishes while Redis is down");
            redis.restart();
        }
        publisher.join(WAIT.toMillis());
        assertThat(publisher.isAlive()).as("publisher finished").isFalse();
        assertThat(publisherFailure.get()).as("publisher failure").isNull();

        List<Long> expected = LongStream.rangeClosed(1, MESSAGES).boxed().toList();
        for (Collector c : collectors) {
            c.awaitAll(expected);
        }
        assertThat(nodeA.failedNotifications()).as("notifications lost while Redis was down").isPositive();
        Eventually.await(WAIT, () -> brokerB.reconnectCount() >= 2, () -> "node B reconnected twice, saw "
                + brokerB.reconnectCount());
        assertThat(brokerB.reconnectCount()).as("one reconnect per outage, none from pings").isEqualTo(2);
        for (Collector c : collectors) {
            assertThat(c.ids).as("ids delivered, exactly once and in order").isEqualTo(expected);
            assertThat(c.anomalies).as("resets, truncations or close").isEmpty();
        }
    }

    @Test
    void messagesPublishedWhileRedisIsDownArriveWhenItReturns() {
        Collector onB = new Collector();
        nodeB.subscribe(CHANNEL, Cursor.after(0), onB);
        Eventually.await(WAIT, () -> brokerA.isHealthy() && brokerB.isHealthy(), "both brokers connected");
        nodeA.publish(CHANNEL, "{\"n\":1}");
        onB.awaitAll(List.of(1L));

        redis.stop();
        for (int i = 2; i <= 6; i++) {
            nodeA.publish(CHANNEL, "{\"n\":" + i + "}"); // stored; the notification fails
        }
        assertThat(nodeA.failedNotifications()).isEqualTo(5);
        assertThat(onB.ids).containsExactly(1L);
        redis.restart();

        // No later publish comes to reveal a gap, and the sweep is 30 s away: only the resync delivers these.
        onB.awaitAll(List.of(1L, 2L, 3L, 4L, 5L, 6L));
        assertThat(brokerB.reconnectCount()).isGreaterThanOrEqualTo(1);
    }

    private RedisBroker broker() {
        return RedisBroker.builder(redis.uri())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .pingInterval(Duration.ofMillis(250))
                .build();
    }

    /** Collects the ids it is handed and anything unexpected. */
    private static final class Collector implements Subscriber {
        final List<Long> ids = new CopyOnWriteArrayList<>();
        final List<String> anomalies = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void onBatch(ReadResult batch) {
            if (batch.reset() || batch.truncated()) {
                anomalies.add("batch " + batch);
            }
            batch.messages().forEach(m -> ids.add(m.id()));
        }

        @Override
        public void onClose(Throwable cause) {
            closed.set(true);
            anomalies.add("closed: " + cause);
        }

        void awaitAll(List<Long> expected) {
            Eventually.await(WAIT, () -> ids.size() >= expected.size(), () -> "ids 1.." + expected.size()
                    + " but have " + ids.size() + " ending " + ids.subList(Math.max(0, ids.size() - 5), ids.size()));
            assertThat(ids).isEqualTo(expected);
        }
    }
}
