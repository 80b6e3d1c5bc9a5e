package io.github.realtimepatterns.websocketsredis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.MainProcess;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone main, run as a user runs it. */
class WebSocketsRedisServerIT {

    private static void roundTrip(URI uri) {
        RecordingListener got = new RecordingListener();
        try (RealtimeClient client = new WebSocketsRedisClient(uri)) {
            client.subscribe("smoke", Cursor.after(0), got);
            client.publish("smoke", "{\"hello\":1}");
            got.awaitCount(1);
        }
        assertThat(got.ids()).containsExactly(1L);
    }

    @Test
    void startsOnEmbeddedDefaultsAndStopsOnSigterm() {
        try (MainProcess main = MainProcess.start(WebSocketsRedisServer.class, Map.of("PORT", "0", "HOST", "127.0.0.1"))) {
            roundTrip(main.awaitReady(Duration.ofSeconds(60)));
            assertThat(main.terminate(Duration.ofSeconds(20))).isIn(0, 143);
        }
    }

    @Test
    void runsOnRedisWhenRedisUrlIsSet() throws Exception {
        try (RedisServer redis = RedisServer.start();
             MainProcess main = MainProcess.start(WebSocketsRedisServer.class,
                     Map.of("PORT", "0", "HOST", "127.0.0.1", "REDIS_URL", redis.uri().toString()))) {
            roundTrip(main.awaitReady(Duration.ofSeconds(60)));
        }
    }

    @Test
    void refusesToStartWhenRedisCannotBeReached() {
        try (MainProcess main = MainProcess.start(WebSocketsRedisServer.class,
                Map.of("PORT", "0", "REDIS_URL", "redis://127.0.0.1:1"))) {
            assertThat(main.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(main.stderr()).contains("REDIS_URL");
        }
    }
}
