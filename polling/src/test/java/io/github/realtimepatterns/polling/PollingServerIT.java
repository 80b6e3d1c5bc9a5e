package io.github.realtimepatterns.polling;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.MainProcess;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone main, run as a user runs it. */
class PollingServerIT {

    @Test
    void startsOnEmbeddedDefaultsServesAndStopsOnSigterm() {
        try (MainProcess main = MainProcess.start(PollingServer.class, Map.of("PORT", "0", "HOST", "127.0.0.1"))) {
            URI uri = main.awaitReady(Duration.ofSeconds(60));
            RecordingListener got = new RecordingListener();
            try (RealtimeClient client = PollingClient.builder(uri).interval(Duration.ofMillis(100)).build()) {
                client.subscribe("smoke", Cursor.after(0), got);
                client.publish("smoke", "{\"hello\":1}");
                got.awaitCount(1);
            }
            assertThat(got.ids()).containsExactly(1L);
            assertThat(main.terminate(Duration.ofSeconds(20))).isIn(0, 143);
        }
    }

    @Test
    void refusesABadSettingNamingTheVariable() {
        try (MainProcess main = MainProcess.start(PollingServer.class, Map.of("PORT", "0", "POLL_MAX_LIMIT", "many"))) {
            assertThat(main.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(main.stderr()).contains("POLL_MAX_LIMIT");
        }
    }
}
