package io.github.realtimepatterns.core.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.http.HttpSettings;
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

    @Test
    void readsTheSharedHttpSettingsWithTheLibraryDefaults() {
        assertThat(Env.of(Map.of()).httpSettings()).isEqualTo(HttpSettings.DEFAULTS);
        HttpSettings set = Env.of(Map.of("ALLOWED_ORIGINS", " https://app.example.com , http://localhost:3000",
                "MAX_BODY_BYTES", "1024", "POLL_MAX_LIMIT", "50", "POLL_DEFAULT_LIMIT", "10")).httpSettings();
        assertThat(set.allowedOrigins()).containsExactlyInAnyOrder("https://app.example.com", "http://localhost:3000");
        assertThat(set.maxBodyBytes()).isEqualTo(1024);
        assertThat(set.maxLimit()).isEqualTo(50);
        assertThat(set.defaultLimit()).isEqualTo(10);
        assertThat(Env.of(Map.of("POLL_MAX_LIMIT", "40")).httpSettings().defaultLimit())
                .as("the default limit follows a lower maximum").isEqualTo(40);
        assertThat(Env.of(Map.of("ALLOWED_ORIGINS", "*")).httpSettings().allowsOrigin("https://any.example")).isTrue();
    }

    @Test
    void refusesBadHttpSettingsNamingTheVariable() {
        assertThatThrownBy(() -> Env.of(Map.of("ALLOWED_ORIGINS", "app.example.com")).httpSettings())
                .hasMessageContaining("ALLOWED_ORIGINS").hasMessageContaining("app.example.com");
        assertThatThrownBy(() -> Env.of(Map.of("ALLOWED_ORIGINS", "https://app.example.com/")).httpSettings())
                .as("a trailing slash: browsers never send one, so it would never match")
                .hasMessageContaining("ALLOWED_ORIGINS");
        assertThatThrownBy(() -> Env.of(Map.of("ALLOWED_ORIGINS", "https://a.example,,https://b.example"))
                .httpSettings()).hasMessageContaining("ALLOWED_ORIGINS");
        assertThatThrownBy(() -> Env.of(Map.of("MAX_BODY_BYTES", "0")).httpSettings())
                .hasMessageContaining("MAX_BODY_BYTES");
        assertThatThrownBy(() -> Env.of(Map.of("POLL_MAX_LIMIT", "5000")).httpSettings())
                .hasMessageContaining("POLL_MAX_LIMIT");
        assertThatThrownBy(() -> Env.of(Map.of("POLL_MAX_LIMIT", "10", "POLL_DEFAULT_LIMIT", "20")).httpSettings())
                .hasMessageContaining("POLL_DEFAULT_LIMIT").hasMessageContaining("1..10");
    }
}
