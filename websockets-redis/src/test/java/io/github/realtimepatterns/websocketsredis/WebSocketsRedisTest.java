package io.github.realtimepatterns.websocketsredis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.Cursor;
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
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the WebSocket transport adds to the contract: frames, limits, origins, keepalive, backpressure. */
class WebSocketsRedisTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<AutoCloseable> open = new ArrayList<>();
    private WebSocketsRedisHandler handler;
    private MessageStore store;

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private PatternServer start(MessageStore store, UnaryOperator<WebSocketsRedis.Builder> knobs) {
        this.store = store;
        handler = knobs.apply(WebSocketsRedis.builder(store)).build();
        PatternServer server = PatternServer.start(handler, 0);
        open.add(0, server);
        return server;
    }

    private PatternServer start(UnaryOperator<WebSocketsRedis.Builder> knobs) {
        return start(MessageStores.inMemory(), knobs);
    }

    private RawWebSocket socket(PatternServer server, String path) throws IOException {
        RawWebSocket ws = RawWebSocket.open(server.uri(), path, null, 0);
        open.add(0, ws);
        assertThat(ws.status).as(ws.responseHead).isEqualTo(101);
        return ws;
    }

    /** Reads frames until one of {@code type}, returning it (frames before it are dropped). */
    private static JsonNode until(RawWebSocket ws, String type) throws IOException {
        while (true) {
            RawWebSocket.Frame f = ws.next();
            assertThat(f.opcode()).as("frame %s", f.text()).isEqualTo(RawWebSocket.TEXT);
            JsonNode node = WireJson.tree(f.text());
            if (node.path("type").asText().equals(type)) {
                return node;
            }
        }
    }

    @Test
    void oneSocketFollowsManyChannelsAndPublishesWithAcks() throws IOException {
        PatternServer server = start(b -> b);
        handler.service().publish("a", "{\"old\":1}");
        RawWebSocket ws = socket(server, "/ws");
        ws.sendText("{\"type\":\"subscribe\",\"channel\":\"a\",\"after\":0}");
        ws.sendText("{\"type\":\"subscribe\",\"channel\":\"b\"}");
        List<String> seen = new ArrayList<>();
        int subscribed = 0;
        while (subscribed < 2) {
            JsonNode f = WireJson.tree(ws.next().text());
            seen.add(f.path("type").asText() + ":" + f.path("channel").asText() + ":" + f.path("id").asLong());
            if (f.path("type").asText().equals("subscribed")) {
                subscribed++;
            }
        }
        assertThat(seen).contains("message:a:1", "subscribed:a:0", "subscribed:b:0");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"b\",\"data\":{\"x\":[1, 2]},\"ref\":\"r1\"}");
        List<JsonNode> frames = new ArrayList<>();
        while (frames.size() < 2) {
            frames.add(WireJson.tree(ws.next().text()));
        }
        assertThat(frames).anySatisfy(f -> {
            assertThat(f.path("type").asText()).isEqualTo("ack");
            assertThat(f.path("ref").asText()).isEqualTo("r1");
            assertThat(f.path("id").asLong()).isEqualTo(1);
        });
        assertThat(frames).anySatisfy(f -> {
            assertThat(f.path("type").asText()).isEqualTo("message");
            assertThat(f.path("channel").asText()).isEqualTo("b");
            assertThat(f.path("data").toString()).isEqualTo("{\"x\":[1,2]}");
        });
        HttpResponse<String> posted = send(HttpRequest.newBuilder(server.uri().resolve("/channels/a/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("2")).build());
        assertThat(posted.statusCode()).isEqualTo(201);
        JsonNode overHttp = until(ws, "message");
        assertThat(overHttp.path("channel").asText()).isEqualTo("a");
        assertThat(overHttp.path("id").asLong()).isEqualTo(2);
    }

    @Test
    void aForeignOriginIsRefusedWith403BeforeTheUpgrade() throws IOException {
        PatternServer server = start(b -> b.settings(HttpSettings.builder()
                .allowOrigins("https://app.example.com").build()));
        try (RawWebSocket evil = RawWebSocket.open(server.uri(), "/channels/c/ws", "https://evil.example", 0)) {
            assertThat(evil.status).isEqualTo(403);
            assertThat(evil.responseHead).contains("application/problem+json");
            assertThat(evil.refusalBody()).contains("evil.example");
        }
        String self = "http://" + server.uri().getHost() + ":" + server.uri().getPort();
        try (RawWebSocket same = RawWebSocket.open(server.uri(), "/channels/c/ws", self, 0);
             RawWebSocket allowed = RawWebSocket.open(server.uri(), "/ws", "https://app.example.com", 0);
             RawWebSocket noOrigin = RawWebSocket.open(server.uri(), "/ws", null, 0)) {
            assertThat(List.of(same.status, allowed.status, noOrigin.status)).containsOnly(101);
        }
        assertThat(handler.service().subscriberCount()).isLessThanOrEqualTo(1);
    }

    @Test
    void aPlainGetOnTheSocketPathIs400NamingUpgrade() {
        PatternServer server = start(b -> b);
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.uri().resolve("/channels/c/ws")).GET().build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("Upgrade");
    }

    @Test
    void anOversizedMessageClosesTheSocketWith1009() throws IOException {
        PatternServer server = start(b -> b.maxMessageBytes(1024));
        RawWebSocket ws = socket(server, "/ws");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"c\",\"data\":\"" + "x".repeat(100_000) + "\"}");
        RawWebSocket.Frame f = ws.next();
        assertThat(f.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(f.closeCode()).isEqualTo(1009);
        assertThat(store.head("c")).isZero();
    }

    @Test
    void aMalformedFrameGetsAnErrorFrameAndTheSocketStaysUsable() throws IOException {
        PatternServer server = start(b -> b.malformedFrameLimit(3));
        RawWebSocket ws = socket(server, "/ws");
        ws.sendText("{not json");
        JsonNode error = until(ws, "error");
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("detail").asText()).contains("JSON");
        ws.sendText("{\"type\":\"subscribe\",\"channel\":\"bad$name\",\"ref\":7}");
        JsonNode badChannel = until(ws, "error");
        assertThat(badChannel.path("ref").asInt()).isEqualTo(7);
        assertThat(badChannel.path("detail").asText()).contains("channel");
        ws.sendText("{\"type\":\"subscribe\",\"channel\":\"ok\",\"after\":0}");
        assertThat(until(ws, "subscribed").path("channel").asText()).isEqualTo("ok");
        ws.sendText("[]");
        until(ws, "error");
        ws.sendText("{\"type\":\"dance\"}");
        RawWebSocket.Frame closing = ws.next();
        assertThat(closing.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(closing.closeCode()).isEqualTo(1008);
    }

    @Test
    void publishFramesStoreAndDeliverTheDataExactlyAsSent() throws IOException {
        PatternServer server = start(b -> b);
        RawWebSocket ws = socket(server, "/ws");
        ws.sendText("{\"type\":\"subscribe\",\"channel\":\"exact\"}");
        until(ws, "subscribed");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"exact\",\"ref\":1,"
                + "\"data\":[100.0, -0.0, {\"price\": 19.90}, \"\\u00e9\"]}");
        String exact = "[100.0,-0.0,{\"price\":19.90},\"\\u00e9\"]";
        RawWebSocket.Frame message;
        do {
            message = ws.next();
        } while (!WireJson.tree(message.text()).path("type").asText().equals("message"));
        assertThat(message.text()).contains("\"data\":" + exact + ",");
        assertThat(store.read("exact", Cursor.after(0), 1).messages().get(0).data())
                .isEqualTo(exact);
    }

    @Test
    void publishDataThatCannotRoundTripGetsAnErrorFrameAndCountsAsMalformed() throws IOException {
        PatternServer server = start(b -> b.malformedFrameLimit(2));
        RawWebSocket ws = socket(server, "/ws");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"c\",\"ref\":\"s\",\"data\":[\"\\ud800\"]}");
        JsonNode surrogate = until(ws, "error");
        assertThat(surrogate.path("status").asInt()).isEqualTo(400);
        assertThat(surrogate.path("ref").asText()).isEqualTo("s");
        assertThat(surrogate.path("detail").asText()).startsWith("data").contains("surrogate");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"c\",\"ref\":\"n\",\"data\":1e2147483648}");
        JsonNode number = until(ws, "error");
        assertThat(number.path("status").asInt()).isEqualTo(400);
        assertThat(number.path("detail").asText()).startsWith("data").contains("1e2147483648");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"c\",\"data\":{\"a\":1,\"a\":2}}");
        RawWebSocket.Frame closing = ws.next();
        assertThat(closing.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(closing.closeCode()).isEqualTo(1008);
        assertThat(store.head("c")).isZero();
    }

    @Test
    void aPublishFrameRetriedWithItsKeyIsStoredOnceAndAckedWithTheFirstId() throws IOException {
        PatternServer server = start(b -> b.malformedFrameLimit(5));
        RawWebSocket ws = socket(server, "/ws");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"k\",\"data\":1,\"ref\":\"a\",\"key\":\"once\"}");
        JsonNode first = until(ws, "ack");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"k\",\"data\":1,\"ref\":\"b\",\"key\":\"once\"}");
        JsonNode again = until(ws, "ack");
        assertThat(again.path("ref").asText()).isEqualTo("b");
        assertThat(again.path("id").asLong()).isEqualTo(first.path("id").asLong()).isEqualTo(1);
        assertThat(store.head("k")).isEqualTo(1);
        ws.sendText("{\"type\":\"publish\",\"channel\":\"k\",\"data\":1,\"ref\":\"c\",\"key\":\"no spaces\"}");
        JsonNode bad = until(ws, "error");
        assertThat(bad.path("ref").asText()).isEqualTo("c");
        assertThat(bad.path("status").asInt()).isEqualTo(400);
        assertThat(bad.path("detail").asText()).startsWith("key");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"k\",\"data\":1,\"ref\":\"d\",\"key\":7}");
        assertThat(until(ws, "error").path("detail").asText()).startsWith("key");
        assertThat(store.head("k")).isEqualTo(1);
    }

    @Test
    void refusedFramesGet403AndTheSocketStaysOpen() throws IOException {
        Authorizer readOnly = (channel, action, exchange) -> action == Authorizer.Action.READ
                && !channel.startsWith("secret");
        PatternServer server = start(b -> b.settings(HttpSettings.builder().authorizer(readOnly).build()));
        RawWebSocket ws = socket(server, "/ws");
        ws.sendText("{\"type\":\"publish\",\"channel\":\"c\",\"data\":1,\"ref\":\"p\"}");
        JsonNode refused = until(ws, "error");
        assertThat(refused.path("status").asInt()).isEqualTo(403);
        assertThat(refused.path("ref").asText()).isEqualTo("p");
        ws.sendText("{\"type\":\"subscribe\",\"channel\":\"secret1\"}");
        assertThat(until(ws, "error").path("status").asInt()).isEqualTo(403);
        ws.sendText("{\"type\":\"subscribe\",\"channel\":\"c\"}");
        assertThat(until(ws, "subscribed").path("channel").asText()).isEqualTo("c");
        try (RawWebSocket upgrade = RawWebSocket.open(server.uri(), "/channels/secret2/ws", null, 0)) {
            assertThat(upgrade.status).isEqualTo(403);
        }
        assertThat(store.head("c")).isZero();
    }

    @Test
    void pingsKeepAnIdleSocketOpenPastTheIdleTimeout() throws Exception {
        PatternServer server = start(b -> b.pingInterval(Duration.ofMillis(200)).pongTimeout(Duration.ofMillis(800))
                .idleTimeout(Duration.ofMillis(1500)));
        RawWebSocket ws = socket(server, "/channels/c/ws");
        until(ws, "subscribed");
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        int pings = 0;
        while (System.nanoTime() < end) {
            RawWebSocket.Frame f = ws.readFrame();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.PING);
            ws.sendFrame(RawWebSocket.PONG, f.payload());
            pings++;
        }
        assertThat(pings).isGreaterThanOrEqualTo(10);
        handler.service().publish("c", "{\"still\":\"open\"}");
        assertThat(until(ws, "message").path("id").asLong()).isEqualTo(1);
        assertThat(handler.pongTimeoutCount()).isZero();
    }

    @Test
    void aSocketThatDoesNotAnswerPingsIsClosed() throws Exception {
        PatternServer server = start(b -> b.pingInterval(Duration.ofMillis(200)).pongTimeout(Duration.ofMillis(500))
                .idleTimeout(Duration.ofSeconds(30)));
        RawWebSocket ws = socket(server, "/ws");
        ws.answerPings = false;
        assertThatThrownBy(() -> {
            while (true) {
                ws.next();
            }
        }).isInstanceOfAny(EOFException.class, SocketException.class);
        assertThat(handler.pongTimeoutCount()).isEqualTo(1);
        Eventually.await(() -> handler.socketCount() == 0, "the session is released");
    }

    @Test
    void aSlowConsumerIsCutOffWith1013AndResumesWithoutLoss() throws Exception {
        MessageStore store = MessageStores.inMemory();
        PatternServer server = start(store, b -> b.highWater(8, 64 * 1024).maxQueued(600, 8 * 1024 * 1024)
                .stallTimeout(Duration.ofMillis(500)));
        RawWebSocket slow = RawWebSocket.open(server.uri(), "/channels/big/ws?after=0", null, 4096);
        open.add(0, slow);
        String payload = "\"" + "y".repeat(20_000) + "\"";
        int total = 600;
        for (int i = 0; i < total; i++) {
            handler.service().publish("big", payload);
        }
        Eventually.await(() -> handler.cutOffCount() == 1, "the slow socket is cut off");
        List<Long> ids = new ArrayList<>();
        int closeCode = 0;
        try {
            while (true) {
                RawWebSocket.Frame f = slow.next();
                if (f.opcode() == RawWebSocket.CLOSE) {
                    closeCode = f.closeCode();
                    break;
                }
                JsonNode node = WireJson.tree(f.text());
                if (node.path("type").asText().equals("message")) {
                    ids.add(node.path("id").asLong());
                }
            }
        } catch (EOFException | SocketException e) {
            closeCode = -1;
        }
        assertThat(closeCode).isEqualTo(1013);
        assertThat(ids.size()).isLessThan(total);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(i + 1L);
        }
        long cursor = ids.isEmpty() ? 0 : ids.get(ids.size() - 1);
        RawWebSocket again = socket(server, "/channels/big/ws?after=" + cursor);
        while (ids.size() < total) {
            JsonNode node = WireJson.tree(again.next().text());
            if (node.path("type").asText().equals("message")) {
                ids.add(node.path("id").asLong());
            }
        }
        assertThat(ids).isEqualTo(RecordingListener.range(1, total));
    }

    @Test
    void theJavaClientResumesFromItsCursorAfterTheServerRestarts() {
        MessageStore store = MessageStores.inMemory();
        WebSocketsRedisHandler first = WebSocketsRedis.builder(store).build();
        PatternServer server = PatternServer.start(first, 0);
        int port = server.port();
        WebSocketsRedisClient client = new WebSocketsRedisClient(server.uri(), HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).build(), Duration.ofMillis(50), Duration.ofMillis(500));
        open.add(client);
        RecordingListener a = new RecordingListener();
        RecordingListener b = new RecordingListener();
        client.subscribe("a", Cursor.after(0), a);
        client.subscribe("b", Cursor.after(0), b);
        for (int i = 0; i < 5; i++) {
            first.service().publish("a", "{\"i\":" + i + "}");
            first.service().publish("b", "{\"i\":" + i + "}");
        }
        a.awaitCount(5);
        b.awaitCount(5);
        assertThat(client.openSockets()).isEqualTo(1);
        server.close();
        for (int i = 5; i < 10; i++) {
            store.append("a", "{\"i\":" + i + "}");
        }
        PatternServer second = PatternServer.builder(WebSocketsRedis.builder(store).build()).port(port).start();
        open.add(0, second);
        a.awaitCount(10);
        client.publish("b", "{\"after\":\"restart\"}");
        b.awaitCount(6);
        assertThat(a.ids()).isEqualTo(RecordingListener.range(1, 10));
        assertThat(b.ids()).isEqualTo(RecordingListener.range(1, 6));
        assertThat(a.errors()).isNotEmpty();
    }

    @Test
    void theBrowserClientIsServed() {
        PatternServer server = start(b -> b);
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.uri().resolve("/realtime/websockets-redis.js"))
                .GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(r.body()).contains("export function subscribe", "export function publish");
    }

    @Test
    void messagesOfEveryFrameLengthArriveIntactAndInOrder() throws IOException {
        PatternServer server = start(b -> b);
        RawWebSocket ws = socket(server, "/channels/sizes/ws");
        until(ws, "subscribed");
        // Payloads around the 7-bit, 16-bit and 64-bit length encodings of a frame header.
        int[] sizes = {1, 60, 100, 125, 126, 200, 65_000, 65_600, 30};
        for (int size : sizes) {
            handler.service().publish("sizes", "\"" + "x".repeat(size) + "\"");
        }
        for (int i = 0; i < sizes.length; i++) {
            JsonNode m = until(ws, "message");
            assertThat(m.path("id").asLong()).isEqualTo(i + 1);
            assertThat(m.path("data").asText()).hasSize(sizes[i]);
        }
    }

    @Test
    void aClientPingGetsItsPayloadBackAndAClientCloseIsEchoed() throws IOException {
        PatternServer server = start(b -> b);
        RawWebSocket ws = socket(server, "/channels/c/ws");
        until(ws, "subscribed");
        byte[] payload = "are you there".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ws.sendFrame(RawWebSocket.PING, payload);
        RawWebSocket.Frame pong = ws.readFrame();
        assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
        assertThat(pong.payload()).isEqualTo(payload);

        ws.sendFrame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}); // 1000 "bye"
        RawWebSocket.Frame close = ws.readFrame();
        assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(close.payload()).startsWith(0x03, (byte) 0xE8);
        assertThatThrownBy(ws::readFrame).as("the server closes the connection after its close frame")
                .isInstanceOfAny(EOFException.class, SocketException.class);
        Eventually.await(() -> handler.socketCount() == 0, "the session is released");
    }

    @Test
    void aBusySocketGetsEveryMessageInOrderWhenFramesAreCoalesced() throws IOException {
        PatternServer server = start(b -> b.writeCoalescing(Duration.ofMillis(50)));
        RawWebSocket ws = socket(server, "/channels/busy/ws");
        until(ws, "subscribed");
        for (int i = 1; i <= 500; i++) {
            handler.service().publish("busy", "{\"n\":" + i + "}");
        }
        for (int i = 1; i <= 500; i++) {
            assertThat(until(ws, "message").path("id").asLong()).isEqualTo(i);
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        MessageStore store = MessageStores.inMemory();
        assertThatThrownBy(() -> WebSocketsRedis.builder(store).pingInterval(Duration.ZERO))
                .hasMessageContaining("pingInterval");
        assertThatThrownBy(() -> WebSocketsRedis.builder(store).pingInterval(Duration.ofSeconds(30))
                .idleTimeout(Duration.ofSeconds(20)).build()).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> WebSocketsRedis.builder(store).writeCoalescing(Duration.ofMillis(-1)))
                .hasMessageContaining("writeCoalescing");
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void theStandaloneServerLetsTheOriginsOfAllowedOriginsOpenSockets() throws IOException {
        Standalone running = Standalone.start("websockets-redis", Env.of(Map.of("PORT", "0", "HOST", "127.0.0.1",
                "ALLOWED_ORIGINS", "https://app.example")), WebSocketsRedisServer::handler);
        open.add(0, running);
        try (RawWebSocket allowed = RawWebSocket.open(running.uri(), "/ws", "https://app.example", 0);
             RawWebSocket evil = RawWebSocket.open(running.uri(), "/ws", "https://evil.example", 0)) {
            assertThat(allowed.status).isEqualTo(101);
            assertThat(evil.status).isEqualTo(403);
        }
    }
}
