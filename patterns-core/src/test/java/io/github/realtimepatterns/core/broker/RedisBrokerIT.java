package io.github.realtimepatterns.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.time.Duration;
import redis.clients.jedis.Jedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis broker passes the broker kit against a real redis-server, plus what only Redis has. */
class RedisBrokerIT extends BrokerContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected Broker newBroker() {
        return RedisBroker.builder(redis.uri()).keyPrefix("contract:").build();
    }

    @Override
    protected Broker peerOf(Broker broker) {
        return newBroker();
    }

    @Test
    void buildFailsFastNamingTheUrlWhenRedisIsUnreachable() {
        long start = System.nanoTime();
        RedisServer gone = RedisServer.start();
        String url = gone.uri().toString();
        gone.close();

        assertThatThrownBy(() -> RedisBroker.builder(url).build())
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining(url);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void subscriptionConfirmationCallsOnResyncAndCountsTraffic() {
        try (RedisBroker broker = RedisBroker.builder(redis.uri()).keyPrefix("resync:").build()) {
            Recorder recorder = new Recorder();
            broker.subscribe("confirmed", recorder);
            Eventually.await(Duration.ofSeconds(20), () -> recorder.resyncs() == 1, "onResync after SUBSCRIBE");
            Eventually.await(Duration.ofSeconds(20), broker::isHealthy, "broker healthy");

            broker.publish(message("confirmed", 1));

            recorder.awaitIds(1);
            assertThat(broker.publishCount()).isEqualTo(1);
            assertThat(broker.receivedCount()).isEqualTo(1);
            assertThat(broker.describe()).isEqualTo("Redis at 127.0.0.1:" + redis.port());
        }
    }

    @Test
    void notificationThatIsNotAMessageIsIgnored() {
        try (RedisBroker broker = RedisBroker.builder(redis.uri()).keyPrefix("garbage:").build();
             Jedis raw = new Jedis(redis.uri())) {
            Recorder recorder = new Recorder();
            broker.subscribe("noisy", recorder);
            awaitLive(broker, "noisy", recorder);

            raw.publish("garbage:noisy", "not json {");
            raw.publish("garbage:noisy", "{\"id\":1}");
            broker.publish(message("noisy", 3));

            recorder.awaitIds(3);
            assertThat(broker.isHealthy()).isTrue();
            assertThat(broker.reconnectCount()).isZero();
        }
    }

    @Test
    void keyPrefixSeparatesBrokers() {
        try (RedisBroker one = RedisBroker.builder(redis.uri()).keyPrefix("one:").build();
             RedisBroker two = RedisBroker.builder(redis.uri()).keyPrefix("two:").build()) {
            Recorder onOne = new Recorder();
            Recorder onTwo = new Recorder();
            one.subscribe("shared", onOne);
            two.subscribe("shared", onTwo);
            awaitLive(one, "shared", onOne);
            awaitLive(two, "shared", onTwo);

            one.publish(message("shared", 1));
            two.publish(message("shared", 2));

            onOne.awaitIds(1);
            onTwo.awaitIds(2);
        }
    }

    @Test
    void closeIsPrompt() {
        RedisBroker broker = RedisBroker.builder(redis.uri()).build();
        broker.subscribe("prompt", new Recorder());
        Eventually.await(Duration.ofSeconds(20), broker::isHealthy, "broker healthy");

        long start = System.nanoTime();
        broker.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(broker.isHealthy()).isFalse();
    }
}
