package io.github.realtimepatterns.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.change.ChangeSourceContract.Recorder;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis broker survives a killed and a frozen redis-server. */
class RedisBrokerFaultIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private RedisServer redis;
    private RedisBroker broker;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        broker = RedisBroker.builder(redis.uri())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .pingInterval(Duration.ofMillis(200))
                .build();
    }

    @AfterEach
    void stop() {
        broker.close();
        redis.close();
    }

    @Test
    void reconnectsResubscribesAndResyncsAfterRedisRestarts() {
        Recorder recorder = new Recorder();
        broker.subscribe("fault", recorder);
        awaitLive("fault", recorder, 1);

        redis.stop();
        Eventually.await(WAIT, () -> !broker.isHealthy(), "broker unhealthy while Redis is down");
        redis.restart();

        Eventually.await(WAIT, () -> broker.reconnectCount() >= 1, "a reconnect");
        Eventually.await(WAIT, () -> recorder.resyncs() >= 2, () -> "a resync after resubscribing, saw "
                + recorder.resyncs());
        assertThat(broker.isHealthy()).isTrue();
        broker.publish(message("fault", 2));
        recorder.awaitIds(1, 2);
        assertThat(broker.reconnectCount()).as("one reconnect per outage, none from pings").isEqualTo(1);
    }

    @Test
    void publishWhileRedisIsDownFailsFastAndIsCounted() {
        broker.publish(message("down", 1)); // warms the pool: its connections go stale when Redis dies
        redis.stop();

        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> broker.publish(message("down", 2)))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("Redis at 127.0.0.1:" + redis.port());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(broker.failedPublishes()).isEqualTo(3);
        assertThat(broker.publishCount()).isEqualTo(1);

        redis.restart();
        Eventually.await(WAIT, () -> {
            try {
                broker.publish(message("down", 3));
                return true;
            } catch (BrokerException e) {
                return false; // still coming back
            }
        }, "a publish succeeding once Redis is back");
    }

    @Test
    void detectsAFrozenRedisByPingDeadlineAndRecoversAfterThaw() {
        Recorder recorder = new Recorder();
        broker.subscribe("frozen", recorder);
        awaitLive("frozen", recorder, 1);

        redis.freeze();
        try {
            Eventually.await(WAIT, () -> !broker.isHealthy(), "the ping deadline to mark the broker unhealthy");
            long start = System.nanoTime();
            assertThatThrownBy(() -> broker.publish(message("frozen", 2))).isInstanceOf(BrokerException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        } finally {
            redis.unfreeze();
        }

        Eventually.await(WAIT, () -> broker.isHealthy() && broker.reconnectCount() >= 1, "a reconnect after thaw");
        Eventually.await(WAIT, () -> recorder.resyncs() >= 2, "a resync after resubscribing");
        broker.publish(message("frozen", 3));
        recorder.awaitIds(1, 3);
    }

    /** Waits for the SUBSCRIBE confirmation (live from then on), then checks one message gets through. */
    private void awaitLive(String channel, Recorder recorder, long id) {
        Eventually.await(WAIT, () -> recorder.resyncs() >= 1, "SUBSCRIBE of " + channel + " confirmed");
        broker.publish(message(channel, id));
        recorder.awaitIds(id);
    }

    private static Message message(String channel, long id) {
        return new Message(channel, id, "{\"n\":" + id + "}", Instant.now());
    }
}
