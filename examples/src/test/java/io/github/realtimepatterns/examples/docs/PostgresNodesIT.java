package io.github.realtimepatterns.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.change.PostgresChangeSource;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.ssedbpolling.SseClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL-only nodes of {@code docs/operations.md}, as its code builds them, against PostgreSQL at
 * {@code RP_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}; when
 * the variable is set the database must be reachable, when it is unset and the default cannot be reached
 * the test is skipped): a message published on one node reaches an SSE subscriber of the other, woken by
 * {@code NOTIFY}.
 */
class PostgresNodesIT {

    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @Test
    void aMessagePublishedOnOneNodeReachesAStreamOnTheOtherThroughNotify() throws Exception {
        String url = database();
        String channel = "ops-pg-" + UUID.randomUUID().toString().substring(0, 8);
        try (OperationsExamples.PostgresNode a = OperationsExamples.postgresNode(url);
             OperationsExamples.PostgresNode b = OperationsExamples.postgresNode(url);
             PatternServer serverA = PatternServer.start(a.handler(), 0);
             PatternServer serverB = PatternServer.start(b.handler(), 0);
             SseClient client = SseClient.create(serverB.uri())) {
            RecordingListener listener = new RecordingListener();
            client.subscribe(channel, Cursor.after(0), listener);
            new HttpPublisher(HttpPublisher.newHttpClient(), serverA.uri(), Duration.ofSeconds(10))
                    .publish(channel, "{\"text\":\"hi\"}");

            listener.awaitCount(1, Duration.ofSeconds(20));
            assertThat(listener.messages()).singleElement()
                    .satisfies(m -> assertThat(m.data()).isEqualTo("{\"text\":\"hi\"}"));
            assertThat(((PostgresChangeSource) b.changes()).notificationCount()).as("woken by NOTIFY").isPositive();
            assertThat(b.changes().describe()).contains("LISTEN");
        }
    }

    private static String database() {
        String configured = System.getenv("RP_TEST_POSTGRES_URL");
        String url = configured == null || configured.isBlank() ? DEFAULT_URL : configured;
        try (Connection c = DriverManager.getConnection(url)) {
            c.isValid(2);
        } catch (SQLException e) {
            if (configured != null && !configured.isBlank()) {
                throw new AssertionError("RP_TEST_POSTGRES_URL is set but " + url + " cannot be reached", e);
            }
            Assumptions.abort("no PostgreSQL at " + url + " (set RP_TEST_POSTGRES_URL): " + e.getMessage());
        }
        return url;
    }
}
