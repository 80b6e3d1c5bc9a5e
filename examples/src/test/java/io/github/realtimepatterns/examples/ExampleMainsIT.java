package io.github.realtimepatterns.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.change.ChangeListener;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.MainProcess;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example main run as a reader runs it: in a JVM of its own with {@code PORT=0}, printing the two
 * messages it published as its client receives them, and exiting by itself with status 0 (a thread or a
 * server left running would keep the JVM alive, and the test fails at its deadline).
 */
class ExampleMainsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String FALLBACK_NOTE = "REDIS_URL is not set: the two nodes share an in-JVM broker instead";

    @Test
    void pollingExampleDeliversToItsClientAndExits() {
        assertThat(run(PollingExample.class, Map.of()))
                .contains("received 1 {\"text\":\"from the server\"}", "received 2 {\"text\":\"from a client\"}");
    }

    @Test
    void longPollingExampleDeliversToItsClientAndExits() {
        assertThat(run(LongPollingExample.class, Map.of()))
                .contains("received 1 {\"text\":\"from the server\"}", "received 2 {\"text\":\"from a client\"}");
    }

    @Test
    void sseDbPollingExampleDeliversToItsClientAndExits() {
        assertThat(run(SseDbPollingExample.class, Map.of()))
                .contains("received 1 {\"text\":\"from the server\"}", "received 2 {\"text\":\"from a client\"}");
    }

    @Test
    void longPollingBrokerExampleFallsBackToTheInJvmBrokerWithANote() {
        assertThat(run(LongPollingBrokerExample.class, Map.of()))
                .contains(FALLBACK_NOTE, "received 1 {\"text\":\"from node B\"}", "received 2 {\"text\":\"from a client\"}");
    }

    @Test
    void webSocketsRedisExampleFallsBackToTheInJvmBrokerWithANote() {
        assertThat(run(WebSocketsRedisExample.class, Map.of()))
                .contains(FALLBACK_NOTE, "received 1 {\"text\":\"from node B\"}", "received 2 {\"text\":\"from a client\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PollingExample", "LongPollingExample", "LongPollingBrokerExample",
            "SseDbPollingExample", "WebSocketsRedisExample"})
    void isShortEnoughToReadTopToBottom(String example) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/main/java/io/github/realtimepatterns/examples",
                example + ".java"));

        // What the docs page shows: the "example" region, imports to the class's closing brace.
        int region = lines.indexOf("// end snippet: example") - lines.indexOf("// snippet: example") - 1;
        assertThat(region).as("lines of the example region of %s", example).isBetween(30, 60);
    }

    @Nested
    @DisplayName("with REDIS_URL set, the two nodes relay through a real redis-server")
    class OverRedis {

        private final List<Message> relayed = new CopyOnWriteArrayList<>();
        private RedisServer redis;
        private RedisBroker watcher;

        @BeforeEach
        void watchTheChannelOnRedis() {
            redis = RedisServer.start();
            watcher = RedisBroker.builder(redis.uri()).build();
            AtomicBoolean subscribed = new AtomicBoolean();
            watcher.subscribe("chat", new ChangeListener() {
                @Override
                public void onMessage(Message message) {
                    relayed.add(message);
                }

                @Override
                public void onResync() {
                    subscribed.set(true);
                }
            });
            Eventually.await(Duration.ofSeconds(30), subscribed::get, () -> "the watcher's SUBSCRIBE was not confirmed");
        }

        @AfterEach
        void stopRedis() {
            watcher.close();
            redis.close();
        }

        @Test
        void longPollingBrokerExampleRelaysThroughRedis() {
            String out = run(LongPollingBrokerExample.class, Map.of("REDIS_URL", redis.uri().toString()));

            assertThat(out).doesNotContain(FALLBACK_NOTE)
                    .contains("received 1 {\"text\":\"from node B\"}", "received 2 {\"text\":\"from a client\"}");
            assertRelayed();
        }

        @Test
        void webSocketsRedisExampleRelaysThroughRedis() {
            String out = run(WebSocketsRedisExample.class, Map.of("REDIS_URL", redis.uri().toString()));

            assertThat(out).doesNotContain(FALLBACK_NOTE)
                    .contains("received 1 {\"text\":\"from node B\"}", "received 2 {\"text\":\"from a client\"}");
            assertRelayed();
        }

        private void assertRelayed() {
            Eventually.await(Duration.ofSeconds(10), () -> relayed.size() >= 2,
                    () -> "Redis carried " + relayed + ", not both messages");
            assertThat(relayed).extracting(Message::id).containsExactly(1L, 2L);
        }
    }

    /** Runs {@code example} with {@code PORT=0} and {@code env}, waits for it to exit by itself, returns its stdout. */
    private static String run(Class<?> example, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("PORT", "0");
        try (MainProcess process = MainProcess.start(example, all)) {
            int status = process.awaitExit(DEADLINE);
            assertThat(status).as("exit status of %s; stderr:%n%s", example.getSimpleName(), process.stderr()).isZero();
            // The exit can be seen before the last lines are read from the pipe.
            Eventually.await(Duration.ofSeconds(10), () -> process.stdout().contains("received 2 "),
                    () -> example.getSimpleName() + " printed " + process.stdout());
            return process.stdout();
        }
    }
}
