package io.github.realtimepatterns.longpollingbroker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nodes as separate JVM processes (the standalone main), sharing one Redis and one H2 server. */
class ProcessClusterIT {

    private static RedisServer redis;
    private static H2Tcp h2;
    private static final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void startShared() {
        redis = RedisServer.start();
        h2 = H2Tcp.start();
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (NodeProcess node : nodes) {
            node.close();
        }
        h2.close();
        redis.close();
    }

    @Test
    void aKilledNodesClientsMoveToAnotherNodeWithTheirCursorAndMissNothing() throws Exception {
        String url = h2.newDatabaseUrl();
        List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starting.add(CompletableFuture.supplyAsync(() -> NodeProcess.start(redis.uri().toString(), url)));
        }
        List<NodeProcess> cluster = new ArrayList<>();
        for (CompletableFuture<NodeProcess> s : starting) {
            cluster.add(s.get(90, TimeUnit.SECONDS));
        }
        nodes.addAll(cluster);
        List<URI> uris = cluster.stream().map(n -> n.uri).toList();
        var http = HttpPublisher.newHttpClient();
        List<HttpPublisher> publishers = uris.stream().map(u -> new HttpPublisher(http, u, Duration.ofSeconds(10))).toList();
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicBoolean victimAlive = new AtomicBoolean(true);
        AtomicInteger published = new AtomicInteger();
        AtomicLong lastId = new AtomicLong();
        try (Subscribers subscribers = new Subscribers(uris, "orders", 6)) {
            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                int i = 0;
                while (publishing.get()) {
                    // Publishers on every node; once the victim is dead, on the two others only.
                    int n = i++ % (victimAlive.get() ? 3 : 2);
                    lastId.set(publishers.get(n).publish("orders", "{\"i\":" + i + "}").id());
                    published.incrementAndGet();
                    sleep(15);
                }
            });
            Eventually.await(Duration.ofSeconds(30), () -> published.get() > 50 && subscribers.allHave(lastId.get()),
                    "delivery through all three nodes");
            victimAlive.set(false);
            long before = published.get();
            cluster.get(2).kill();
            Eventually.await(Duration.ofSeconds(30), () -> published.get() > before + 100, "publishing to go on");
            publishing.set(false);
            publisher.get(30, TimeUnit.SECONDS);
            subscribers.awaitExactly(published.get(), Duration.ofSeconds(30));
        }
    }

    @Test
    void aNodeWithoutReachableRedisOrDatabaseRefusesToStartNamingIt() throws Exception {
        String deadPort = String.valueOf(freePort());
        String redisUrl = redis.uri().toString();
        String jdbcUrl = h2.newDatabaseUrl();
        assertRefused(Map.of("PORT", "0", "REDIS_URL", "redis://127.0.0.1:" + deadPort, "JDBC_URL", jdbcUrl),
                "REDIS_URL cannot be reached");
        assertRefused(Map.of("PORT", "0", "REDIS_URL", redisUrl,
                "JDBC_URL", "jdbc:h2:tcp://127.0.0.1:" + deadPort + "/nowhere"), "JDBC_URL cannot be reached");
        assertRefused(Map.of("PORT", "0", "JDBC_URL", jdbcUrl), "REDIS_URL is required");
        assertRefused(Map.of("PORT", "0", "REDIS_URL", redisUrl), "JDBC_URL is required");
    }

    private static void assertRefused(Map<String, String> env, String expected) throws Exception {
        Process p = NodeProcess.command(env).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the node exits").isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr.get(10, TimeUnit.SECONDS)).contains("long-polling-broker: cannot start: ").contains(expected);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
