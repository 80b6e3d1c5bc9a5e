package io.github.realtimepatterns.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RealtimeRoutesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final MessageStore store = MessageStores.inMemory();
    private RealtimeService service;
    private PatternServer server;

    @BeforeEach
    void start() {
        service = RealtimeService.builder(store).build();
        HttpSettings settings = HttpSettings.builder()
                .allowOrigins("https://app.example")
                .authorizer((channel, action, exchange) -> !channel.startsWith("private.")
                        || "alice".equals(exchange.getRequestHeaders().getFirst("X-User")))
                .build();
        server = PatternServer.start(RealtimeRoutes.builder(service, RequestEntry.of(settings)).metric("answer", () -> 42).build(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
        service.close();
        store.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(server.uri() + path));
    }

    @Test
    void publishAnswers201WithTheStoredMessage() throws Exception {
        HttpResponse<String> r = send(at("/channels/chat/messages").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{ \"text\" : \"hi\" }")));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(WireJson.parseMessage(r.body()).data()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(store.head("chat")).isEqualTo(1);
    }

    @Test
    void publishStoresAndAnswersTheDataExactlyAsSent() throws Exception {
        String sent = "[100.0, -0.0, {\"price\": 19.90}, \"\\u00e9\\ud83c\\udf89\u00e9\"]";
        String exact = "[100.0,-0.0,{\"price\":19.90},\"\\u00e9\\ud83c\\udf89\u00e9\"]";
        HttpResponse<String> r = send(at("/channels/chat/messages").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sent)));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).contains("\"data\":" + exact + ",");
        assertThat(store.read("chat", io.github.realtimepatterns.core.Cursor.after(0), 1).messages().get(0).data())
                .isEqualTo(exact);
    }

    @Test
    void dataThatCannotRoundTripIs400NamingDataAndNothingIsStored() throws Exception {
        for (String body : java.util.List.of("[100.0,-0.0,\"\\ud800\"]", "1e2147483648", "{\"a\":1,\"a\":2}")) {
            HttpResponse<String> r = send(at("/channels/c/messages").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(Problems.MEDIA_TYPE);
            assertThat(WireJson.tree(r.body()).path("field").asText()).as(body).isEqualTo("data");
        }
        assertThat(store.head("c")).isZero();
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyStoresNothingAndAnswersTheFirstMessage() throws Exception {
        HttpResponse<String> first = send(at("/channels/chat/messages").header("Content-Type", "application/json")
                .header("Idempotency-Key", "k-42").POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}")));
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        HttpResponse<String> retry = send(at("/channels/chat/messages").header("Content-Type", "application/json")
                .header("Idempotency-Key", "k-42").POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}")));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(WireJson.parseMessage(retry.body())).isEqualTo(WireJson.parseMessage(first.body()));
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(store.head("chat")).isEqualTo(1);
        HttpResponse<String> elsewhere = send(at("/channels/other/messages").header("Idempotency-Key", "k-42")
                .POST(HttpRequest.BodyPublishers.ofString("1")));
        assertThat(elsewhere.statusCode()).isEqualTo(201);
        HttpResponse<String> metrics = send(at("/metrics").GET());
        assertThat(WireJson.tree(metrics.body()).path("published").asLong()).isEqualTo(2);
    }

    @Test
    void anInvalidIdempotencyKeyIs400NamingItAndNothingIsStored() throws Exception {
        for (String bad : java.util.List.of("a b", "x".repeat(129))) {
            HttpResponse<String> r = send(at("/channels/c/messages").header("Idempotency-Key", bad)
                    .POST(HttpRequest.BodyPublishers.ofString("1")));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(WireJson.tree(r.body()).path("field").asText()).isEqualTo("Idempotency-Key");
        }
        HttpResponse<String> twice = send(at("/channels/c/messages").header("Idempotency-Key", "a")
                .header("Idempotency-Key", "b").POST(HttpRequest.BodyPublishers.ofString("1")));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(WireJson.tree(twice.body()).path("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(store.head("c")).isZero();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
        HttpResponse<String> r = send(at("/channels/c/messages").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("\"" + "x".repeat(70_000) + "\"")));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("65536");
        assertThat(store.head("c")).isZero();
    }

    @Test
    void invalidUtf8Is400() throws Exception {
        HttpResponse<String> r = send(at("/channels/c/messages").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'})));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("UTF-8");
    }

    @Test
    void theAuthorizerRefusesWith403AndNothingIsStored() throws Exception {
        HttpResponse<String> refused = send(at("/channels/private.alice/messages")
                .POST(HttpRequest.BodyPublishers.ofString("1")));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue(Problems.MEDIA_TYPE);
        assertThat(store.head("private.alice")).isZero();
        HttpResponse<String> allowed = send(at("/channels/private.alice/messages").header("X-User", "alice")
                .POST(HttpRequest.BodyPublishers.ofString("1")));
        assertThat(allowed.statusCode()).isEqualTo(201);
    }

    @Test
    void corsPreflightIsAnsweredForAllowedOriginsOnly() throws Exception {
        HttpResponse<String> ok = send(at("/channels/c/messages").header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        HttpResponse<String> refused = send(at("/channels/c/messages").header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void simpleCrossOriginAnswersCarryCorsHeadersOnlyForAllowedOrigins() throws Exception {
        HttpResponse<String> allowed = send(at("/health").header("Origin", "https://app.example").GET());
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        HttpResponse<String> other = send(at("/health").header("Origin", "https://evil.example").GET());
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void healthAndMetricsReportTheNode() throws Exception {
        HttpResponse<String> health = send(at("/health").GET());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(WireJson.tree(health.body()).path("store").asText()).isEqualTo("UP");
        send(at("/channels/c/messages").POST(HttpRequest.BodyPublishers.ofString("1")));
        HttpResponse<String> metrics = send(at("/metrics").GET());
        assertThat(WireJson.tree(metrics.body()).path("published").asLong()).isEqualTo(1);
        assertThat(WireJson.tree(metrics.body()).path("answer").asLong()).isEqualTo(42);
    }

    @Test
    void healthAndPublishAre503WhileTheDatabaseIsDownAndNothingIsStored() throws Exception {
        org.h2.tools.Server db = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + db.getPort() + "/mem:routes-down;DB_CLOSE_DELAY=-1";
        try (MessageStore shared = MessageStores.jdbc(url);
             RealtimeService down = RealtimeService.builder(shared).build();
             PatternServer s = PatternServer.start(RealtimeRoutes.builder(down, RequestEntry.of(HttpSettings.DEFAULTS)).build(), 0)) {
            assertThat(shared.append("c", "1").id()).isEqualTo(1);
            db.stop();
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(WireJson.tree(health.body()).path("store").asText()).isEqualTo("DOWN");
            HttpResponse<String> publish = HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + "/channels/c/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString("2")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(publish.statusCode()).isEqualTo(503);
            assertThat(publish.headers().firstValue("Content-Type")).hasValue(Problems.MEDIA_TYPE);
        } finally {
            db.stop();
        }
    }
}
