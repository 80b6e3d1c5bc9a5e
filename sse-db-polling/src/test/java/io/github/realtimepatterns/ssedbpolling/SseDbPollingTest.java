package io.github.realtimepatterns.ssedbpolling;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.standalone.Standalone;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SseDbPollingTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(0, c);
        return c;
    }

    private SseDbPollingHandler handler(SseDbPolling.Builder builder) {
        return builder.build();
    }

    private PatternServer serve(SseDbPollingHandler handler) {
        return keep(PatternServer.start(handler, 0));
    }

    private static URI events(PatternServer server, String channel, String query) {
        return server.uri().resolve("/channels/" + channel + "/events" + (query.isEmpty() ? "" : "?" + query));
    }

    private static String jsonString(String s) {
        return JsonNodeFactory.instance.textNode(s).toString();
    }

    @Test
    void answersAnEventStreamWithRetryReadyAndMessageEvents() throws Exception {
        MessageStore store = keep(MessageStores.inMemory());
        SseDbPollingHandler handler = handler(SseDbPolling.builder(store).retry(Duration.ofMillis(1500)));
        PatternServer server = serve(handler);
        handler.service().publish("c", "{\"n\":1}");
        RawStream stream = keep(RawStream.open(events(server, "c", "after=0")));
        assertThat(stream.response.statusCode()).isEqualTo(200);
        assertThat(stream.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(stream.response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(stream.response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        assertThat(stream.response.headers().firstValue("Connection").orElse("")).doesNotContainIgnoringCase("close");
        Eventually.await(() -> stream.events("message").size() == 1, "the stored message");
        String epoch = store.read("c", Cursor.after(0), 1).epoch();
        assertThat(stream.raw()).startsWith("retry: 1500\n\nid: 0\nevent: ready\ndata: {\"epoch\":\"" + epoch
                + "\",\"cursor\":0}\n\nid: 1\nevent: message\ndata: {\"id\":1,\"channel\":\"c\",\"data\":{\"n\":1},");
        handler.service().publish("c", "[2]");
        Eventually.await(() -> stream.events("message").size() == 2, "a live message");
        RawStream.Event live = stream.events("message").get(1);
        assertThat(live.id()).isEqualTo("2");
        assertThat(WireJson.parseMessage(live.data()).data()).isEqualTo("[2]");
    }

    @Test
    void resumesFromTheLastEventIdHeaderOverAfter() throws Exception {
        MessageStore store = keep(MessageStores.inMemory());
        SseDbPollingHandler handler = handler(SseDbPolling.builder(store));
        PatternServer server = serve(handler);
        for (int i = 1; i <= 5; i++) {
            handler.service().publish("c", "{\"n\":" + i + "}");
        }
        RawStream stream = keep(RawStream.open(events(server, "c", "after=1"), "Last-Event-ID", "3"));
        Eventually.await(() -> stream.events("message").size() == 2, "messages after the Last-Event-ID");
        assertThat(stream.events("message")).extracting(RawStream.Event::id).containsExactly("4", "5");
        assertThat(stream.events("ready").get(0).data()).contains("\"cursor\":3");
    }

    @Test
    void aCursorFromAnotherEpochGetsAResetEventWithTheHead() throws Exception {
        MessageStore store = keep(MessageStores.inMemory());
        SseDbPollingHandler handler = handler(SseDbPolling.builder(store));
        PatternServer server = serve(handler);
        handler.service().publish("c", "1");
        handler.service().publish("c", "2");
        RawStream stream = keep(RawStream.open(events(server, "c", "epoch=old&after=1")));
        Eventually.await(() -> !stream.events("reset").isEmpty(), "a reset event");
        RawStream.Event reset = stream.events("reset").get(0);
        assertThat(reset.id()).isEqualTo("2");
        assertThat(WireJson.tree(reset.data()).path("reset").asBoolean()).isTrue();
        assertThat(WireJson.tree(reset.data()).path("cursor").asLong()).isEqualTo(2);
    }

    @Test
    void payloadsThatLookMultiLineOrUnicodeArriveIntact() {
        MessageStore store = keep(MessageStores.inMemory());
        PatternServer server = serve(handler(SseDbPolling.builder(store)));
        SseClient client = keep(SseClient.create(server.uri()));
        RecordingListener got = new RecordingListener();
        client.subscribe("u", Cursor.after(0), got);
        List<String> bodies = List.of(
                "{\"text\":\"a\\nb\\r\\nc\"}",
                "\"emoji \uD83D\uDE80 and \u2028 and \u2029\"",
                "{\"event\":\"\\r\\nevent: reset\\r\\ndata: x\\n\\nid: 99\"}",
                "\"nul \\u0000 and bell \\u0007\"");
        List<String> sent = new ArrayList<>();
        for (String body : bodies) {
            sent.add(client.publish("u", body).data());
        }
        got.awaitCount(bodies.size());
        assertThat(got.messages()).extracting(Message::data).isEqualTo(sent);
        assertThat(got.ids()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(WireJson.tree(got.messages().get(0).data()).path("text").asText()).isEqualTo("a\nb\r\nc");
        assertThat(got.resets()).isEmpty();
    }

    @Test
    void randomStringsArePublishedAndReceivedExactly() {
        MessageStore store = keep(MessageStores.inMemory());
        PatternServer server = serve(handler(SseDbPolling.builder(store)));
        SseClient client = keep(SseClient.create(server.uri()));
        RecordingListener got = new RecordingListener();
        client.subscribe("p", Cursor.after(0), got);
        Random random = new Random(20261123);
        char[] alphabet = {'\r', '\n', '\u0000', ':', ' ', 'a', '"', '\\', '\u2028', '\u00e9', '\uFEFF', '\u0085'};
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                int pick = random.nextInt(4);
                if (pick == 0) {
                    s.append(alphabet[random.nextInt(alphabet.length)]);
                } else if (pick == 1) {
                    s.appendCodePoint(0x1F600 + random.nextInt(80));
                } else if (pick == 2) {
                    s.append((char) random.nextInt(0x20));
                } else {
                    s.append((char) (0x20 + random.nextInt(0xD000)));
                }
            }
            strings.add(s.toString());
            client.publish("p", jsonString(s.toString()));
        }
        got.awaitCount(strings.size());
        List<String> received = got.messages().stream().map(m -> WireJson.tree(m.data()).asText()).toList();
        assertThat(received).isEqualTo(strings);
        assertThat(got.ids()).isEqualTo(RecordingListener.range(1, strings.size()));
    }

    @Test
    void anIdleStreamGetsHeartbeats() throws Exception {
        MessageStore store = keep(MessageStores.inMemory());
        PatternServer server = serve(handler(SseDbPolling.builder(store).heartbeat(Duration.ofMillis(100))));
        RawStream stream = keep(RawStream.open(events(server, "idle", "")));
        Eventually.await(() -> stream.raw().split(":\n\n", -1).length > 3, "three heartbeats");
        assertThat(stream.events()).extracting(RawStream.Event::type).containsExactly("ready");
    }

    @Test
    void aClientThatGoesAwayIsRemovedAtOnce() {
        MessageStore store = keep(MessageStores.inMemory());
        // A heartbeat far away: only noticing the closed connection can remove the stream in time.
        SseDbPollingHandler handler = handler(SseDbPolling.builder(store).heartbeat(Duration.ofMinutes(10)));
        PatternServer server = serve(handler);
        SseClient client = keep(SseClient.create(server.uri()));
        List<ClientSubscription> subs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            subs.add(client.subscribe("gone", Cursor.head(), new RecordingListener()));
        }
        Eventually.await(() -> handler.openStreams() == 5, "five open streams");
        subs.forEach(ClientSubscription::close);
        Eventually.await(Duration.ofSeconds(5), () -> handler.openStreams() == 0,
                () -> "streams removed, still open: " + handler.openStreams());
        Eventually.await(() -> handler.service().subscriberCount() == 0, "hub subscribers gone");
    }

    @Test
    void aClientThatNeverReadsIsCutOffAndOthersAreUnaffected() throws Exception {
        MessageStore store = keep(MessageStores.inMemory());
        SseDbPollingHandler handler = handler(SseDbPolling.builder(store)
                .highWater(4, 32 * 1024).maxQueued(8, 64 * 1024)
                .heartbeat(Duration.ofMillis(200)).stallTimeout(Duration.ofSeconds(1)));
        PatternServer server = serve(handler);
        SseClient client = keep(SseClient.create(server.uri()));
        RecordingListener healthy = new RecordingListener();
        ClientSubscription sub = client.subscribe("big", Cursor.head(), healthy);
        Eventually.await(() -> sub.position().epoch() != null, "the healthy client is established");
        Socket stuck = keep(new Socket());
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress(server.uri().getHost(), server.port()));
        OutputStream out = stuck.getOutputStream();
        out.write(("GET /channels/big/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Eventually.await(() -> handler.openStreams() == 2, "two open streams");
        String filler = jsonString("x".repeat(30_000));
        int count = 300;
        for (int i = 0; i < count; i++) {
            handler.service().publish("big", filler);
        }
        healthy.awaitCount(count);
        assertThat(healthy.ids()).isEqualTo(RecordingListener.range(1, count));
        Eventually.await(Eventually.DEFAULT, () -> handler.openStreams() == 1,
                () -> "the stuck client cut off; open streams: " + handler.openStreams());
        assertThat(handler.cutOffStreams()).isEqualTo(1);
        sub.close();
        Eventually.await(() -> handler.openStreams() == 0, "every stream closed");
    }

    @Test
    void theStandaloneServerAllowsTheOriginsOfAllowedOrigins() throws Exception {
        Standalone running = keep(Standalone.start(SseDbPolling.PATTERN, Env.of(Map.of("PORT", "0", "HOST",
                "127.0.0.1", "ALLOWED_ORIGINS", "https://app.example")), SseDbPollingServer::handler));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String origin : List.of("https://app.example", "https://evil.example")) {
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(running.uri()
                    + "/channels/c/events")).header("Origin", origin).header("Access-Control-Request-Method", "GET")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).as(origin).isEqualTo(origin.contains("app") ? 204 : 403);
        }
    }
}
