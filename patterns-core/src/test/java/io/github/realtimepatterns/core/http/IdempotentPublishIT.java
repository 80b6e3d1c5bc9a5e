package io.github.realtimepatterns.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.JdbcOptions;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two nodes (two services, each with its own store and pool) over one database, the way a cluster runs:
 * publishes racing with one {@code Idempotency-Key}, half to each node, store one message between them.
 * On an H2 server always, and on PostgreSQL when {@code RP_TEST_POSTGRES_URL} is set.
 */
class IdempotentPublishIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<AutoCloseable> open = new ArrayList<>();
    private Runnable cleanup = () -> { };

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        cleanup.run();
    }

    private JdbcOptions database(String kind) throws Exception {
        if (kind.equals("h2")) {
            Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
            cleanup = h2::stop;
            return JdbcOptions.builder("jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:keys-" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1").build();
        }
        String url = System.getenv("RP_TEST_POSTGRES_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank(), "RP_TEST_POSTGRES_URL is not set");
        String prefix = "rpk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT) + "_";
        cleanup = () -> {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                for (String table : List.of("idempotency_keys", "messages", "channels")) {
                    s.execute("DROP TABLE IF EXISTS " + prefix + table);
                }
            } catch (Exception e) {
                throw new AssertionError("dropping the test tables " + prefix + "* failed", e);
            }
        };
        return JdbcOptions.builder(url).tablePrefix(prefix).build();
    }

    private PatternServer node(JdbcOptions options) {
        MessageStore store = MessageStores.jdbc(options);
        RealtimeService service = RealtimeService.builder(store).build();
        PatternServer server = PatternServer.start(RealtimeRoutes.builder(service, RequestEntry.of(HttpSettings.DEFAULTS)).build(), 0);
        open.add(0, store);
        open.add(0, service);
        open.add(0, server);
        return server;
    }

    private static CompletableFuture<HttpResponse<String>> post(PatternServer node, String key, String body) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(node.uri() + "/channels/orders/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void publishesRacingOneKeyOnTwoNodesStoreOneMessage(String kind) throws Exception {
        JdbcOptions options = database(kind);
        PatternServer a = node(options);
        PatternServer b = node(options);
        int keys = 10;
        for (int k = 0; k < keys; k++) {
            String key = "order-" + k;
            List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racing.add(post(i % 2 == 0 ? a : b, key, "{\"order\":" + k + "}"));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> r : racing) {
                answers.add(r.join());
            }
            assertThat(answers).extracting(HttpResponse::statusCode).as(key).containsOnly(200, 201)
                    .filteredOn(status -> status == 201).hasSize(1);
            assertThat(answers).filteredOn(r -> r.statusCode() == 200)
                    .allSatisfy(r -> assertThat(r.headers().firstValue("Idempotent-Replayed")).hasValue("true"));
            List<Message> messages = answers.stream().map(r -> WireJson.parseMessage(r.body())).toList();
            assertThat(messages).as(key).containsOnly(messages.get(0));
            assertThat(messages.get(0).id()).isEqualTo(k + 1);
        }
        try (MessageStore reader = MessageStores.jdbc(options)) {
            assertThat(reader.read("orders", Cursor.after(0), 100).messages()).extracting(Message::id)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, keys).boxed().toList());
        }
    }
}
