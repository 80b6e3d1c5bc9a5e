package io.github.realtimepatterns.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.http.Authorizer;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.standalone.Standalone;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What polling adds to the contract: conditional GETs, paging, the head, the script, the standalone server. */
class PollingTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private MessageStore store;
    private PollingHandler handler;
    private PatternServer server;

    @BeforeEach
    void start() {
        store = MessageStores.inMemory();
        handler = Polling.builder(store).build();
        server = PatternServer.start(handler, 0);
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void publish(String channel, int count) {
        for (int i = 0; i < count; i++) {
            handler.service().publish(channel, "{\"n\":" + i + "}");
        }
    }

    @Test
    void anIdlePollWithTheLastEtagIs304WithNoBody() {
        publish("c", 2);
        HttpResponse<String> first = get("/channels/c/messages?after=0");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-store");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        ReadResult read = WireJson.parseReadResult(first.body());
        assertThat(etag).isEqualTo("\"" + read.epoch() + ":2\"");

        HttpResponse<String> idle = get("/channels/c/messages?after=2", "If-None-Match", etag);
        assertThat(idle.statusCode()).isEqualTo(304);
        assertThat(idle.body()).isEmpty();
        assertThat(idle.headers().firstValue("ETag")).hasValue(etag);
        assertThat(handler.notModifiedCount()).isEqualTo(1);

        publish("c", 1);
        HttpResponse<String> fresh = get("/channels/c/messages?after=2", "If-None-Match", etag);
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(WireJson.parseReadResult(fresh.body()).messages()).hasSize(1);
        assertThat(fresh.headers().firstValue("ETag")).hasValue("\"" + read.epoch() + ":3\"");
    }

    @Test
    void aWeakOrListedEtagMatchesToo() {
        HttpResponse<String> head = get("/channels/c/messages");
        String etag = head.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/channels/c/messages?after=0", "If-None-Match", "\"x:1\", W/" + etag).statusCode())
                .isEqualTo(304);
    }

    @Test
    void anEtagFromAnotherEpochGetsTheResetAnswer() {
        publish("c", 3);
        HttpResponse<String> r = get("/channels/c/messages?after=3&epoch=gone", "If-None-Match", "\"gone:3\"");
        assertThat(r.statusCode()).isEqualTo(200);
        ReadResult read = WireJson.parseReadResult(r.body());
        assertThat(read.reset()).isTrue();
        assertThat(read.cursor()).isEqualTo(3);
    }

    @Test
    void limitPagesWithHasMore() {
        publish("c", 5);
        ReadResult page1 = WireJson.parseReadResult(get("/channels/c/messages?after=0&limit=2").body());
        assertThat(page1.messages()).extracting(m -> m.id()).containsExactly(1L, 2L);
        assertThat(page1.hasMore()).isTrue();
        assertThat(page1.cursor()).isEqualTo(2);
        ReadResult page3 = WireJson.parseReadResult(get("/channels/c/messages?after=4&limit=2").body());
        assertThat(page3.messages()).extracting(m -> m.id()).containsExactly(5L);
        assertThat(page3.hasMore()).isFalse();
    }

    @Test
    void aPollingClientPagesThroughABacklogInOrder() {
        publish("c", 250);
        RecordingListener got = new RecordingListener();
        try (PollingClient client = PollingClient.builder(server.uri()).limit(7).interval(Duration.ofMillis(50)).build()) {
            client.subscribe("c", Cursor.after(0), got);
            got.awaitCount(250);
        }
        assertThat(got.ids()).isEqualTo(RecordingListener.range(1, 250));
    }

    @Test
    void aLimitOutsideTheRangeIs400NamingIt() {
        HttpResponse<String> r = get("/channels/c/messages?limit=0");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(WireJson.tree(r.body()).path("field").asText()).isEqualTo("limit");
        assertThat(get("/channels/c/messages?limit=1001").statusCode()).isEqualTo(400);
    }

    @Test
    void noAfterAnswersTheHeadAndAfterZeroEverything() {
        publish("c", 3);
        ReadResult head = WireJson.parseReadResult(get("/channels/c/messages").body());
        assertThat(head.messages()).isEmpty();
        assertThat(head.cursor()).isEqualTo(3);
        assertThat(WireJson.parseReadResult(get("/channels/c/messages?after=0").body()).messages()).hasSize(3);
    }

    @Test
    void theClientSendsIfNoneMatchSoIdlePollsAre304() {
        try (PollingClient client = PollingClient.builder(server.uri()).interval(Duration.ofMillis(20)).build()) {
            RecordingListener got = new RecordingListener();
            client.subscribe("idle", Cursor.head(), got);
            Eventually.await(() -> handler.notModifiedCount() >= 5, "idle polls answered 304");
            publish("idle", 1);
            got.awaitCount(1);
            assertThat(got.ids()).containsExactly(1L);
        }
    }

    @Test
    void theBrowserModuleIsServed() {
        HttpResponse<String> r = get("/realtime/polling.js");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(r.body()).contains("export function subscribe", "export async function publish",
                "If-None-Match", "export const stats");
    }

    @Test
    void crossOriginPollsFromAnAllowedOriginGetCorsHeadersAndTheEtagExposed() {
        try (MessageStore other = MessageStores.inMemory();
             PatternServer cors = PatternServer.start(Polling.builder(other)
                     .settings(HttpSettings.builder().allowOrigins("http://app.example").build()).build(), 0)) {
            HttpRequest request = HttpRequest.newBuilder(cors.uri().resolve("/channels/c/messages"))
                    .header("Origin", "http://app.example").GET().build();
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://app.example");
            assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("ETag");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theAuthorizerCanRefuseReads() {
        try (MessageStore other = MessageStores.inMemory();
             PatternServer locked = PatternServer.start(Polling.builder(other).settings(HttpSettings.builder()
                     .authorizer((channel, action, ex) -> action != Authorizer.Action.READ || !channel.startsWith("secret")).build())
                     .build(), 0)) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(locked.uri().resolve("/channels/secret/messages"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(403);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theStandaloneServerStartsFromTheEnvironment() {
        try (Standalone running = Standalone.start("polling", Env.of(Map.of("PORT", "0", "HOST", "127.0.0.1")),
                (resources, env) -> Polling.builder(resources.store()).broker(resources.broker()).build())) {
            HttpResponse<String> r;
            try {
                r = HTTP.send(HttpRequest.newBuilder(running.uri().resolve("/health")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void builderAndClientRefuseBadValues() {
        assertThatThrownBy(() -> Polling.builder((MessageStore) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> PollingClient.builder(server.uri()).interval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
        assertThatThrownBy(() -> PollingClient.builder(server.uri()).limit(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }
}
