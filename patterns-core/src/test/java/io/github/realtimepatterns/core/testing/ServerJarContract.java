package io.github.realtimepatterns.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.client.RealtimeClient;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What a pattern module's runnable server jar ({@code target/<module>-server.jar}, built in the package
 * phase) must do, run as a user runs it: {@code PORT=0 java -jar <module>-server.jar} in a child JVM with
 * nothing but the jar on its class path, ready line, publish and read through the module's Java client, a
 * clean stop on SIGTERM, and its SLF4J binding in place. A module passes it through a one-screen subclass.
 */
public abstract class ServerJarContract {

    private static final Duration START = Duration.ofSeconds(90);

    /** The module's folder name, which names its jar: {@code polling}, {@code websockets-redis}, ... */
    protected abstract String module();

    /** The module's Java client for the server at {@code base}. */
    protected abstract RealtimeClient client(URI base);

    /** Environment every start needs beyond {@code PORT} and {@code HOST} ({@code REDIS_URL}, say). */
    protected Map<String, String> environment() {
        return Map.of();
    }

    /** The jar under test, relative to the module's folder (failsafe's working directory). */
    protected final Path jar() {
        return Path.of("target", module() + "-server.jar");
    }

    /** Starts the jar with {@code jvmOptions} and {@link #environment()} plus {@code extra}; waits for its ready line. */
    protected final MainProcess start(List<String> jvmOptions, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(environment());
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.putAll(extra);
        return MainProcess.startJar(jar(), jvmOptions, env);
    }

    /**
     * Publishes two messages through {@code client} on a fresh channel and checks a subscriber of the same
     * client gets both, in order; the second one while it waits.
     */
    protected static void publishesAndReads(RealtimeClient client) {
        String channel = "jar-" + UUID.randomUUID().toString().substring(0, 8);
        Message first = client.publish(channel, "{\"n\":1}");
        assertThat(first.id()).isEqualTo(1);
        RecordingListener heard = new RecordingListener();
        client.subscribe(channel, Cursor.after(0), heard);
        heard.awaitCount(1, Duration.ofSeconds(30));
        client.publish(channel, "{\"n\":2}");
        heard.awaitCount(2, Duration.ofSeconds(30));
        assertThat(heard.ids()).containsExactly(1L, 2L);
        assertThat(heard.messages().get(1).data()).isEqualTo("{\"n\":2}");
    }

    /** Stops {@code server} with SIGTERM and checks it stopped cleanly and logged through its binding. */
    protected static void stopsCleanly(MainProcess server) {
        assertThat(server.terminate(Duration.ofSeconds(30))).as("exit code on SIGTERM").isEqualTo(143);
        assertThat(server.stderr()).as("stderr").doesNotContain("No SLF4J providers");
    }

    @Test
    void theJarAloneStartsServesAPublishAndAReadAndStopsOnSigterm() {
        try (MainProcess server = start(List.of(), Map.of())) {
            URI base = server.awaitReady(START);
            try (RealtimeClient client = client(URI.create(base + "/"))) {
                publishesAndReads(client);
            }
            stopsCleanly(server);
        }
    }

    @Test
    void theJarBringsThePostgreSqlDriverForAJdbcUrl() {
        String url = postgresUrl();
        try (MainProcess server = start(List.of(), Map.of("JDBC_URL", url))) {
            URI base = server.awaitReady(START);
            try (RealtimeClient client = client(URI.create(base + "/"))) {
                publishesAndReads(client);
            }
            stopsCleanly(server);
        }
    }

    /**
     * {@code RP_TEST_POSTGRES_URL}, which must then be reachable; when unset, the default local test
     * database if it answers, else the test is skipped.
     */
    protected static String postgresUrl() {
        String configured = System.getenv("RP_TEST_POSTGRES_URL");
        String url = configured == null || configured.isBlank()
                ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : configured;
        try (Connection c = DriverManager.getConnection(url)) {
            c.isValid(2);
        } catch (SQLException e) {
            if (configured != null && !configured.isBlank()) {
                throw new AssertionError("RP_TEST_POSTGRES_URL is set but cannot be reached", e);
            }
            Assumptions.abort("no PostgreSQL (set RP_TEST_POSTGRES_URL): " + e.getMessage());
        }
        return url;
    }
}
