package io.github.realtimepatterns.longpollingbroker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.store.JdbcOptions;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes on PostgreSQL at {@code RP_TEST_POSTGRES_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}); skipped when the variable is unset and the default
 * cannot be reached, failed when it is set and cannot be. Tables get a fresh prefix and are dropped after.
 */
class PostgresClusterIT {

    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private String url;
    private String prefix;
    private RedisServer redis;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        String configured = System.getenv("RP_TEST_POSTGRES_URL");
        url = configured == null || configured.isBlank() ? DEFAULT_URL : configured;
        try (Connection c = DriverManager.getConnection(url)) {
            c.isValid(2);
        } catch (SQLException e) {
            if (configured != null && !configured.isBlank()) {
                throw new AssertionError("RP_TEST_POSTGRES_URL is set but " + url + " cannot be reached", e);
            }
            Assumptions.abort("no PostgreSQL at " + url + " (set RP_TEST_POSTGRES_URL): " + e.getMessage());
        }
        prefix = "lpb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT) + "_";
        redis = RedisServer.start();
        JdbcOptions options = JdbcOptions.builder(url).tablePrefix(prefix).build();
        for (int i = 0; i < 3; i++) {
            nodes.add(new Node(MessageStores.jdbc(options), redis.uri()));
        }
    }

    @AfterEach
    void stopCluster() throws SQLException {
        nodes.forEach(Node::close);
        if (redis != null) {
            redis.close();
        }
        if (prefix != null) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + prefix + "idempotency_keys");
                s.execute("DROP TABLE IF EXISTS " + prefix + "messages");
                s.execute("DROP TABLE IF EXISTS " + prefix + "channels");
            }
        }
    }

    @Test
    void everySubscriberGetsEveryMessageOnceInOrderOverPostgres() throws Exception {
        int perNode = 50;
        try (Subscribers subscribers = new Subscribers(nodes.stream().map(Node::uri).toList(), "pg", 6)) {
            Eventually.await(Duration.ofSeconds(20), () -> nodes.stream().allMatch(n -> n.handler.parkedCount() > 0),
                    "polls parked on every node");
            List<CompletableFuture<Void>> publishers = new ArrayList<>();
            for (Node node : nodes) {
                publishers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perNode; i++) {
                        node.publisher.publish("pg", "{\"i\":" + i + "}");
                    }
                }));
            }
            CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            subscribers.awaitExactly(3 * perNode, Duration.ofSeconds(30));
        }
        assertThat(nodes.stream().mapToLong(n -> n.metric("brokerPublished")).sum()).isEqualTo(3 * perNode);
    }
}
