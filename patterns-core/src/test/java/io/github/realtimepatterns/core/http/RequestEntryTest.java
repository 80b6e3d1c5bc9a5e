package io.github.realtimepatterns.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.WireJson;
import io.undertow.server.RoutingHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The request entry on its own, behind a real Undertow: what it hands on, each refusal, and the order of
 * its checks. The transport behind it only records what it was given.
 */
class RequestEntryTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What the transport behind the entry was handed, in order. */
    private final List<ChannelRequest> handedOn = new CopyOnWriteArrayList<>();
    /** Every call of the authorizer, as "action channel". */
    private final List<String> authorized = new CopyOnWriteArrayList<>();
    private RequestEntry entry;
    private PatternServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts the entry's routes: a read, an SSE-like read, a publish, a checked upgrade and a connection. */
    private void start(HttpSettings.Builder settings) {
        HttpSettings built = settings.authorizer((channel, action, exchange) -> {
            authorized.add(action + " " + channel);
            return !channel.startsWith("secret");
        }).build();
        entry = RequestEntry.of(built);
        ChannelHandler record = (exchange, request) -> {
            handedOn.add(request);
            Exchanges.sendJson(exchange, 200, "{}");
        };
        RoutingHandler routes = new RoutingHandler(false)
                .get("/channels/{channel}/messages", entry.read().to(record))
                .get("/channels/{channel}/events", entry.read().lastEventId().to(record))
                .post("/channels/{channel}/messages", entry.publish().to(record))
                .get("/channels/{channel}/ws", entry.read().checkOrigin().to(record))
                .get("/ws", entry.connection().checkOrigin().to(record))
                .get("/channels/{channel}/fails", entry.read().to((exchange, request) -> {
                    throw new ProtocolException("wait", "wait must be a number");
                }));
        server = PatternServer.start(routes, 0);
    }

    private void start() {
        start(HttpSettings.builder().defaultLimit(20).maxLimit(50));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    private HttpResponse<String> post(String path) {
        return send(HttpRequest.newBuilder(URI.create(server.uri() + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    /** Asserts a problem answer with {@code status} naming {@code field} (or none), and that nothing went on. */
    private JsonNode assertRefused(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problems.MEDIA_TYPE);
        JsonNode problem = WireJson.tree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        if (field == null) {
            assertThat(problem.has("field")).as(response.body()).isFalse();
        } else {
            assertThat(problem.path("field").asText()).as(response.body()).isEqualTo(field);
        }
        assertThat(handedOn).isEmpty();
        return problem;
    }

    @Nested
    @DisplayName("what it hands on")
    class HandedOn {

        @Test
        void aReadGetsItsChannelCursorLimitAndAction() {
            start();
            assertThat(get("/channels/chat/messages?after=5&epoch=E-1_x&limit=7").statusCode()).isEqualTo(200);
            assertThat(handedOn).containsExactly(new ChannelRequest("chat", Cursor.of("E-1_x", 5), 7,
                    Authorizer.Action.READ));
            assertThat(authorized).containsExactly("READ chat");
        }

        @Test
        void aReadWithoutCursorOrLimitStartsAtTheHeadWithTheDefaultLimit() {
            start();
            get("/channels/chat/messages");
            get("/channels/chat/messages?epoch=E");
            assertThat(handedOn).containsExactly(
                    new ChannelRequest("chat", Cursor.head(), 20, Authorizer.Action.READ),
                    new ChannelRequest("chat", Cursor.of("E", -1), 20, Authorizer.Action.READ));
        }

        @Test
        void lastEventIdWinsOverAfterWhereTheRouteTakesIt() {
            start();
            get("/channels/c/events?after=3&epoch=E", "Last-Event-ID", "9");
            get("/channels/c/events?after=3", "Last-Event-ID", " ");
            get("/channels/c/messages?after=3", "Last-Event-ID", "9");
            assertThat(handedOn).extracting(ChannelRequest::cursor)
                    .containsExactly(Cursor.of("E", 9), Cursor.after(3), Cursor.after(3));
        }

        @Test
        void aPublishGetsItsChannelAndNoCursor() {
            start();
            assertThat(post("/channels/news/messages").statusCode()).isEqualTo(200);
            assertThat(handedOn).containsExactly(new ChannelRequest("news", null, 0, Authorizer.Action.PUBLISH));
            assertThat(authorized).containsExactly("PUBLISH news");
        }

        @Test
        void aConnectionWithoutChannelIsNotAuthorizedHere() {
            start();
            assertThat(get("/ws?after=nonsense").statusCode()).isEqualTo(200);
            assertThat(handedOn).containsExactly(new ChannelRequest(null, null, 0, null));
            assertThat(authorized).isEmpty();
        }

        @Test
        void whatTheTransportThrowsIsAnsweredAsAProblem() {
            start();
            HttpResponse<String> r = get("/channels/c/fails");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(WireJson.tree(r.body()).path("field").asText()).isEqualTo("wait");
        }
    }

    @Nested
    @DisplayName("each refusal")
    class Refusals {

        @Test
        void whileClosingEveryRouteIs503() {
            start();
            assertThat(entry.isClosing()).isFalse();
            assertThat(entry.startClosing()).isTrue();
            assertThat(entry.startClosing()).as("only the first call starts closing").isFalse();
            assertThat(entry.isClosing()).isTrue();
            for (HttpResponse<String> r : List.of(get("/channels/c/messages"), get("/channels/c/events"),
                    post("/channels/c/messages"), get("/channels/c/ws"), get("/ws"))) {
                assertThat(assertRefused(r, 503, null).path("detail").asText()).contains("shutting down");
            }
            assertThat(authorized).isEmpty();
        }

        @Test
        void anInvalidChannelIs400() {
            start();
            assertRefused(get("/channels/bad$name/messages"), 400, "channel");
            assertRefused(post("/channels/" + "x".repeat(129) + "/messages"), 400, "channel");
            assertThat(authorized).isEmpty();
        }

        @Test
        void aMalformedCursorIs400NamingItsField() {
            start();
            assertRefused(get("/channels/c/messages?after=abc"), 400, "after");
            assertRefused(get("/channels/c/messages?after=-2"), 400, "after");
            assertRefused(get("/channels/c/messages?after=1&after=2"), 400, "after");
            assertRefused(get("/channels/c/messages?after=99999999999999999999"), 400, "after");
            assertRefused(get("/channels/c/messages?epoch="), 400, "epoch");
            assertRefused(get("/channels/c/messages?epoch=a.b"), 400, "epoch");
            assertRefused(get("/channels/c/events", "Last-Event-ID", "x1"), 400, "Last-Event-ID");
            assertThat(authorized).isEmpty();
        }

        @Test
        void aLimitOutsideTheSettingsIs400() {
            start();
            assertRefused(get("/channels/c/messages?limit=0"), 400, "limit");
            assertRefused(get("/channels/c/messages?limit=51"), 400, "limit");
            assertRefused(get("/channels/c/messages?limit=many"), 400, "limit");
            assertThat(get("/channels/c/messages?limit=50").statusCode()).isEqualTo(200);
        }

        @Test
        void whatTheAuthorizerRefusesIs403NamingTheAction() {
            start();
            JsonNode read = assertRefused(get("/channels/secret.x/messages"), 403, "channel");
            assertThat(read.path("detail").asText()).contains("read").contains("secret.x");
            JsonNode publish = assertRefused(post("/channels/secret.x/messages"), 403, "channel");
            assertThat(publish.path("detail").asText()).contains("publish");
        }

        @Test
        void aForeignOriginIs403WhereTheRouteChecksIt() {
            start(HttpSettings.builder().allowOrigins("https://app.example"));
            assertRefused(get("/channels/c/ws", "Origin", "https://evil.example"), 403, "Origin");
            assertRefused(get("/ws", "Origin", "https://evil.example"), 403, "Origin");
            String self = "http://" + server.uri().getHost() + ":" + server.uri().getPort();
            assertThat(get("/channels/c/ws", "Origin", self).statusCode()).isEqualTo(200);
            assertThat(get("/ws", "Origin", "https://app.example").statusCode()).isEqualTo(200);
            assertThat(get("/ws").statusCode()).as("no Origin: not a browser").isEqualTo(200);
            assertThat(get("/channels/c/messages", "Origin", "https://evil.example").statusCode())
                    .as("a route that does not check the origin").isEqualTo(200);
        }
    }

    @Test
    void checksInOrderClosingOriginChannelCursorLimitAuthorization() {
        start();
        String evil = "https://evil.example";
        assertRefused(get("/channels/bad$name/ws?after=x&limit=0", "Origin", evil), 403, "Origin");
        assertRefused(get("/channels/bad$name/ws?after=x&limit=0"), 400, "channel");
        assertRefused(get("/channels/secret/ws?after=x&limit=0"), 400, "after");
        assertRefused(get("/channels/secret/ws?limit=0"), 400, "limit");
        assertThat(authorized).as("the authorizer sees only well-formed requests").isEmpty();
        assertRefused(get("/channels/secret/ws"), 403, "channel");
        assertThat(authorized).containsExactly("READ secret");
        entry.startClosing();
        assertRefused(get("/channels/bad$name/ws?after=x", "Origin", evil), 503, null);
    }

    @Test
    void lastEventIdIsARouteOfReadsOnly() {
        RequestEntry e = RequestEntry.of(HttpSettings.DEFAULTS);
        assertThatThrownBy(() -> e.publish().lastEventId()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> e.connection().lastEventId()).isInstanceOf(IllegalStateException.class);
    }
}
