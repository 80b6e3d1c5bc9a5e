package io.github.realtimepatterns.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.change.ChangeSourceContract.Recorder;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import io.github.realtimepatterns.core.testing.TlsRedisServer;
import java.time.Instant;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/** The ways a broker reaches Redis: a rediss:// URL, the application's address and config, its client. */
class RedisBrokerConnectionsIT {

    /** Subscribes, waits until the subscription is live, publishes through {@code publisher}, awaits it. */
    private static void roundTrip(RedisBroker subscriber, RedisBroker publisher, String channel) {
        Recorder recorder = new Recorder();
        subscriber.subscribe(channel, recorder);
        Eventually.await(() -> recorder.resyncs() >= 1, "the SUBSCRIBE of " + channel + " confirmed");
        publisher.publish(new Message(channel, 1, "{\"n\":1}", Instant.now()));
        recorder.awaitIds(1);
    }

    @Nested
    class OverTls {
        private static TlsRedisServer redis;

        @BeforeAll
        static void startRedis() {
            redis = TlsRedisServer.start();
        }

        @AfterAll
        static void stopRedis() {
            redis.close();
        }

        @Test
        void aRedissUrlPublishesAndSubscribesOverTls() {
            try (RedisBroker broker = RedisBroker.builder(redis.uri()).sslSocketFactory(redis.socketFactory()).build()) {
                assertThat(broker.describe()).endsWith("over TLS");
                roundTrip(broker, broker, "tls");
                Eventually.await(broker::isHealthy, "broker healthy over TLS");
            }
        }

        @Test
        void theApplicationsTlsConfigAndAddressWork() {
            SSLParameters verifyHost = new SSLParameters();
            verifyHost.setEndpointIdentificationAlgorithm("HTTPS");
            DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().ssl(true)
                    .sslSocketFactory(redis.socketFactory()).sslParameters(verifyHost).clientName("my-app").build();
            HostAndPort address = new HostAndPort("127.0.0.1", redis.port());
            try (RedisBroker broker = RedisBroker.builder(address, config).build()) {
                assertThat(broker.uri()).hasToString("rediss://127.0.0.1:" + redis.port());
                roundTrip(broker, broker, "config");
            }
        }

        @Test
        void aCertificateTheJvmDoesNotTrustFailsTheBuildNamingTheUrl() {
            assertThatThrownBy(() -> RedisBroker.builder(redis.uri()).build())
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("rediss://127.0.0.1:" + redis.port());
        }

        @Test
        void aCertificateForAnotherHostIsRefused() {
            // The server listens there too, but its certificate names only 127.0.0.1 and localhost.
            assertThatThrownBy(() -> RedisBroker.builder("rediss://127.0.0.2:" + redis.port())
                    .sslSocketFactory(redis.socketFactory()).build())
                    .isInstanceOf(BrokerException.class)
                    .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
        }
    }

    @Nested
    class OverPlainRedis {
        private static RedisServer redis;

        @BeforeAll
        static void startRedis() {
            redis = RedisServer.start();
        }

        @AfterAll
        static void stopRedis() {
            redis.close();
        }

        @Test
        void publishingThroughTheApplicationsClientReachesEverySubscriberAndLeavesTheClientOpen() {
            HostAndPort address = new HostAndPort("127.0.0.1", redis.port());
            try (RedisClient application = RedisClient.builder().hostAndPort(address).build()) {
                try (RedisBroker listening = RedisBroker.builder(redis.uri()).build();
                        RedisBroker publishing = RedisBroker.builder(redis.uri()).publishClient(application).build()) {
                    roundTrip(listening, publishing, "app-client");
                    assertThat(publishing.publishCount()).isEqualTo(1);
                }
                assertThat(application.ping()).isEqualTo("PONG");
            }
        }

        @Test
        void theApplicationsCredentialsInItsConfigAreUsed() {
            try (Jedis admin = new Jedis(new HostAndPort("127.0.0.1", redis.port()))) {
                admin.configSet("requirepass", "s3cret");
                try {
                    HostAndPort address = new HostAndPort("127.0.0.1", redis.port());
                    assertThatThrownBy(() -> RedisBroker.builder(address, DefaultJedisClientConfig.builder().build()).build())
                            .isInstanceOf(BrokerException.class);
                    try (RedisBroker broker = RedisBroker.builder(address,
                            DefaultJedisClientConfig.builder().password("s3cret").build()).build()) {
                        roundTrip(broker, broker, "with-password");
                    }
                } finally {
                    try (Jedis again = new Jedis(new HostAndPort("127.0.0.1", redis.port()),
                            DefaultJedisClientConfig.builder().password("s3cret").build())) {
                        again.configSet("requirepass", "");
                    }
                }
            }
        }

        @Test
        void aTlsSocketFactoryIsRefusedForAPlainUrl() {
            assertThatThrownBy(() -> RedisBroker.builder(redis.uri()).sslSocketFactory(
                    (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("rediss://");
        }
    }
}
