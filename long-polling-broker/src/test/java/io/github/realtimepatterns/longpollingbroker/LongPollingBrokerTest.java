package io.github.realtimepatterns.longpollingbroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LongPollingBrokerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void builderRejectsBadKnobsNamingThem() {
        MessageStore store = MessageStores.inMemory();
        InJvmBroker broker = new InJvmBroker();
        assertThatThrownBy(() -> LongPollingBroker.builder(store, broker).timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> LongPollingBroker.builder(store, broker).sweepInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sweepInterval");
        assertThatThrownBy(() -> LongPollingBroker.builder(store, broker).timeout(Duration.ofSeconds(90)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTimeout");
        assertThatThrownBy(() -> LongPollingBroker.builder(store, broker).hubThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hubThreads");
    }

    @Test
    void urlBuilderRefusesADatabaseOnlyThisProcessCanSee() {
        assertThatThrownBy(() -> LongPollingBroker.builder("jdbc:h2:mem:x", "redis://127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:h2:mem:x");
        assertThatThrownBy(() -> LongPollingBroker.builder("jdbc:h2:./data/x", "redis://127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every node shares");
        assertThatThrownBy(() -> LongPollingBroker.builder("postgres://db/x", "redis://127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JDBC URL");
    }

    @Test
    void serverRefusesToStartWithoutRedisOrASharedDatabase() {
        assertThatThrownBy(() -> LongPollingBrokerServer.start(Env.of(Map.of("PORT", "0",
                "JDBC_URL", "jdbc:h2:tcp://127.0.0.1:1/mem:x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_URL is required");
        assertThatThrownBy(() -> LongPollingBrokerServer.start(Env.of(Map.of("PORT", "0",
                "REDIS_URL", "redis://127.0.0.1:1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JDBC_URL is required");
        assertThatThrownBy(() -> LongPollingBrokerServer.start(Env.of(Map.of("PORT", "0",
                "REDIS_URL", "redis://127.0.0.1:1", "JDBC_URL", "jdbc:h2:mem:alone"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JDBC_URL must name a database");
    }

    @Test
    void nodeNamesItsPatternAndServesItsScriptAndBrokerCounters() throws Exception {
        try (var handler = LongPollingBroker.builder(MessageStores.inMemory(), new InJvmBroker()).build();
             var server = PatternServer.start(handler, 0)) {
            assertThat(handler.pattern()).isEqualTo("long-polling-broker");
            HttpResponse<String> script = get(server.uri().resolve("/realtime/long-polling-broker.js"));
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
            assertThat(script.body()).contains("from './long-polling.js'");
            assertThat(get(server.uri().resolve("/realtime/long-polling.js")).statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(server.uri().resolve("/metrics"));
            assertThat(WireJson.tree(metrics.body()).has("brokerFailedPublishes")).isTrue();
            assertThat(WireJson.tree(metrics.body()).has("parked")).isTrue();
        }
    }

    @Test
    void clientSendingEachPollToAnotherNodeGetsEveryMessageOnceInOrder() throws Exception {
        // Two nodes in one JVM over one store and one in-JVM broker: the shape of a cluster without Redis.
        MessageStore store = MessageStores.inMemory();
        InJvmBroker broker = new InJvmBroker();
        try (var a = LongPollingBroker.builder(store, broker).build();
             var b = LongPollingBroker.builder(store, broker).build();
             var serverA = PatternServer.start(a, 0);
             var serverB = PatternServer.start(b, 0);
             var client = LongPollingBrokerClient.builder(List.of(serverA.uri(), serverB.uri()))
                     .wait(Duration.ofSeconds(5)).build()) {
            RecordingListener listener = new RecordingListener();
            client.subscribe("chat", Cursor.after(0), listener);
            List<Long> published = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                published.add(client.publish("chat", "{\"n\":" + i + "}").id());
            }
            listener.awaitCount(40, Duration.ofSeconds(20));
            assertThat(listener.ids()).containsExactlyElementsOf(RecordingListener.range(1, 40));
            assertThat(published).containsExactlyInAnyOrderElementsOf(RecordingListener.range(1, 40));
            assertThat(a.service().publishedCount()).isPositive();
            assertThat(b.service().publishedCount()).isPositive();
            assertThat(client.requestCount()).isGreaterThan(1);
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
