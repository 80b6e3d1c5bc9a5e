package io.github.realtimepatterns.core.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void readsDurationsInEveryDocumentedForm() {
        assertThat(Env.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Env.parseDuration("25s")).isEqualTo(Duration.ofSeconds(25));
        assertThat(Env.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Env.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Env.parseDuration("PT25S")).isEqualTo(Duration.ofSeconds(25));
        assertThat(Env.parseDuration("pt1m")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void hasTheSameDefaultsInEveryPattern() {
        Env env = Env.of(Map.of());
        assertThat(env.port()).isEqualTo(8080);
        assertThat(env.host()).isEqualTo("0.0.0.0");
        assertThat(env.jdbcUrl()).isNull();
        assertThat(env.redisUrl()).isNull();
        assertThat(env.duration("LONG_POLL_TIMEOUT", Duration.ofSeconds(25))).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void refusesBadSettingsNamingTheVariable() {
        assertThatThrownBy(() -> Env.of(Map.of("PORT", "eighty")).port()).hasMessageContaining("PORT");
        assertThatThrownBy(() -> Env.of(Map.of("PORT", "70000")).port()).hasMessageContaining("PORT")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> Env.of(Map.of("LONG_POLL_TIMEOUT", "soon")).duration("LONG_POLL_TIMEOUT",
                Duration.ofSeconds(1))).hasMessageContaining("LONG_POLL_TIMEOUT").hasMessageContaining("25s");
        assertThatThrownBy(() -> Env.of(Map.of("SSE_POLL_INTERVAL", "0ms")).duration("SSE_POLL_INTERVAL",
                Duration.ofSeconds(1))).hasMessageContaining("> 0");
        assertThatThrownBy(() -> Env.of(Map.of("JDBC_URL", "postgres://x")).jdbcUrl()).hasMessageContaining("JDBC_URL");
        assertThatThrownBy(() -> Env.of(Map.of("REDIS_URL", "localhost:6379")).redisUrl())
                .hasMessageContaining("REDIS_URL");
    }
}
