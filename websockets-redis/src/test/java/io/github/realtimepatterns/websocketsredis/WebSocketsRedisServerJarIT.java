package io.github.realtimepatterns.websocketsredis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.MainProcess;
import io.github.realtimepatterns.core.testing.RedisServer;
import io.github.realtimepatterns.core.testing.ServerJarContract;
import io.github.realtimepatterns.core.testing.TlsRedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code websockets-redis-server.jar} runs on its own over a real redis-server, over TLS too. */
class WebSocketsRedisServerJarIT extends ServerJarContract {

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
    protected String module() {
        return "websockets-redis";
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of("REDIS_URL", redis.uri().toString());
    }

    @Override
    protected RealtimeClient client(URI base) {
        return new WebSocketsRedisClient(base);
    }

    @Test
    void aRedissUrlConnectsOverTlsWithTheJvmsTrustStore() {
        try (TlsRedisServer tls = TlsRedisServer.start();
                MainProcess server = start(List.of("-Djavax.net.ssl.trustStore=" + tls.trustStore().toAbsolutePath(),
                        "-Djavax.net.ssl.trustStorePassword=" + TlsRedisServer.TRUST_STORE_PASSWORD,
                        "-Djavax.net.ssl.trustStoreType=PKCS12"),
                        Map.of("REDIS_URL", tls.uri().toString()))) {
            URI base = server.awaitReady(Duration.ofSeconds(90));
            assertThat(server.stderr() + server.stdout()).contains("over TLS");
            try (RealtimeClient client = client(URI.create(base + "/"))) {
                publishesAndReads(client);
            }
            stopsCleanly(server);
        }
    }
}
