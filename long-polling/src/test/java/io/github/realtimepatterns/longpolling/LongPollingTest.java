package io.github.realtimepatterns.longpolling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.change.StorePoller;
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
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What long-polling adds to the contract: parking, waking, timeouts, disconnects, shutdown, targeted channels. */
class LongPollingTest {

    private static final ExecutorService CLIENT_POOL = Executors.newFixedThreadPool(2);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).executor(CLIENT_POOL).build();

    private final List<AutoCloseable> open = new ArrayList<>();
    private MessageStore store;
    private LongPollingHandler handler;
    private PatternServer server;

    @BeforeEach
    void start() {
        store = MessageStores.inMemory();
        handler = LongPolling.builder(store).timeout(Duration.ofSeconds(5)).maxTimeout(Duration.ofSeconds(10)).build();
        server = PatternServer.start(handler, 0);
        open.add(0, store);
        open.add(0, server);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @AfterAll
    static void stopPool() {
        CLIENT_POOL.shutdownNow();
    }

    private CompletableFuture<HttpResponse<String>> getAsync(PatternServer target, String pathAndQuery, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.uri().resolve(pathAndQuery)).timeout(Duration.ofSeconds(25));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) {
        return join(getAsync(server, pathAndQuery, headers));
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(25, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Message publish(String channel) {
        return handler.service().publish(channel, "{\"k\":1}");
    }

    private void awaitParked(int n) {
        Eventually.await(Eventually.DEFAULT, () -> handler.parkedCount() == n && handler.waitingCount() == n,
                () -> "parked and waiting == " + n + " but were " + handler.parkedCount() + " and "
                        + handler.waitingCount());
    }

    @Nested
    @DisplayName("a parked poll")
    class Parking {

        @Test
        void isAnsweredAtOnceWhenSomethingIsAfterTheCursor() {
            publish("c");
            long t0 = System.nanoTime();
            ReadResult r = WireJson.parseReadResult(get("/channels/c/messages?after=0&wait=10").body());
            assertThat(r.messages()).hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }

        @Test
        void isAnsweredWithEverythingAfterItsCursorWhenAMessageArrives() {
            publish("c");
            CompletableFuture<HttpResponse<String>> poll = getAsync(server, "/channels/c/messages?after=1&wait=10");
            awaitParked(1);
            publish("c");
            ReadResult r = WireJson.parseReadResult(join(poll).body());
            assertThat(r.messages()).extracting(Message::id).containsExactly(2L);
            assertThat(r.cursor()).isEqualTo(2);
            assertThat(handler.parkedCount()).isZero();
            assertThat(handler.service().subscriberCount()).isZero();
        }

        @Test
        void timesOutEmptyWithTheSameCursor() {
            publish("c");
            publish("c");
            long t0 = System.nanoTime();
            HttpResponse<String> response = get("/channels/c/messages?after=2&wait=1");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            ReadResult r = WireJson.parseReadResult(response.body());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(r.messages()).isEmpty();
            assertThat(r.cursor()).isEqualTo(2);
            assertThat(r.epoch()).isNotBlank();
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(handler.timedOutCount()).isEqualTo(1);
            assertThat(handler.parkedCount()).isZero();
        }

        @Test
        void fromTheHeadTimesOutWithTheHeadCursorAndEpoch() {
            publish("c");
            publish("c");
            String epoch = WireJson.parseReadResult(get("/channels/c/messages?wait=0").body()).epoch();
            ReadResult r = WireJson.parseReadResult(get("/channels/c/messages?wait=1").body());
            assertThat(r.cursor()).isEqualTo(2);
            assertThat(r.epoch()).isEqualTo(epoch);
        }

        @Test
        void isTrimmedToItsLimitWithHasMore() {
            for (int i = 0; i < 5; i++) {
                publish("c");
            }
            ReadResult r = WireJson.parseReadResult(get("/channels/c/messages?after=0&limit=2&wait=5").body());
            assertThat(r.messages()).extracting(Message::id).containsExactly(1L, 2L);
            assertThat(r.hasMore()).isTrue();
        }

        @Test
        void waitZeroIsAPlainRead() {
            publish("c");
            ReadResult r = WireJson.parseReadResult(get("/channels/c/messages?wait=0").body());
            assertThat(r.cursor()).isEqualTo(1);
            assertThat(handler.parkedCount()).isZero();
        }

        @Test
        void isRemovedAtOnceWhenItsClientDisconnects() throws IOException {
            try (Socket socket = new Socket(server.uri().getHost(), server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /channels/c/messages?after=0&wait=10 HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                awaitParked(1);
                assertThat(handler.service().subscriberCount()).isEqualTo(1);
            }
            Eventually.await(Duration.ofSeconds(5), () -> handler.parkedCount() == 0, "parked back to 0");
            assertThat(handler.waitingCount()).isZero();
            Eventually.await(Duration.ofSeconds(5), () -> handler.service().subscriberCount() == 0,
                    "hub subscription closed");
            assertThat(handler.disconnectedCount()).isEqualTo(1);
            assertThat(handler.timedOutCount()).isZero();
        }

        @Test
        void isRemovedWhenAnHttpClientRequestIsCancelled() {
            CompletableFuture<HttpResponse<String>> poll = getAsync(server, "/channels/c/messages?after=0&wait=10");
            awaitParked(1);
            poll.cancel(true);
            Eventually.await(Duration.ofSeconds(5), () -> handler.parkedCount() == 0, "parked back to 0");
        }

        @Test
        void holdsNoThread() {
            get("/channels/warm/messages?wait=0");
            int before = Thread.activeCount();
            List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                polls.add(getAsync(server, "/channels/c/messages?after=0&wait=10"));
            }
            awaitParked(200);
            assertThat(Thread.activeCount() - before).as("threads added by 200 parked polls").isLessThan(20);
            long t0 = System.nanoTime();
            publish("c");
            for (CompletableFuture<HttpResponse<String>> p : polls) {
                assertThat(WireJson.parseReadResult(join(p).body()).messages()).extracting(Message::id)
                        .containsExactly(1L);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Nested
    @DisplayName("races and fan-out")
    class Races {

        @Test
        void aPublishRacingTheParkIsNeverMissed() {
            for (int i = 0; i < 200; i++) {
                long head = store.head("race");
                CompletableFuture<HttpResponse<String>> poll = getAsync(server,
                        "/channels/race/messages?after=" + head + "&wait=10");
                publish("race");
                long t0 = System.nanoTime();
                ReadResult r = WireJson.parseReadResult(join(poll).body());
                assertThat(r.messages()).as("iteration %d", i).extracting(Message::id).containsExactly(head + 1);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("iteration %d", i)
                        .isLessThan(Duration.ofSeconds(5));
            }
            assertThat(handler.timedOutCount()).isZero();
        }

        @Test
        void onePublishWakesEveryWaiter() {
            List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                polls.add(getAsync(server, "/channels/room/messages?after=0&wait=10"));
            }
            awaitParked(50);
            Eventually.await(() -> handler.service().subscriptionReads() >= 50, "every waiter's join read done");
            long t0 = System.nanoTime();
            publish("room");
            for (CompletableFuture<HttpResponse<String>> p : polls) {
                assertThat(WireJson.parseReadResult(join(p).body()).messages()).extracting(Message::id)
                        .containsExactly(1L);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(handler.wokenCount()).isEqualTo(50);
            assertThat(handler.parkedCount()).isZero();
        }

        @Test
        void shutdownAnswersParkedRequestsEmptyAtTheirCursor() {
            publish("c");
            List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                polls.add(getAsync(server, "/channels/c/messages?after=1&wait=10"));
            }
            awaitParked(3);
            long t0 = System.nanoTime();
            server.close();
            for (CompletableFuture<HttpResponse<String>> p : polls) {
                HttpResponse<String> r = join(p);
                assertThat(r.statusCode()).isEqualTo(200);
                ReadResult result = WireJson.parseReadResult(r.body());
                assertThat(result.messages()).isEmpty();
                assertThat(result.cursor()).isEqualTo(1);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(handler.parkedCount()).isZero();
        }
    }

    @Nested
    @DisplayName("the wait parameter")
    class Wait {

        @Test
        void aboveTheMaximumIsCapped() {
            try (MessageStore other = MessageStores.inMemory();
                 LongPollingHandler capped = LongPolling.builder(other).timeout(Duration.ofSeconds(1))
                         .maxTimeout(Duration.ofSeconds(1)).build();
                 PatternServer s = PatternServer.start(capped, 0)) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = join(getAsync(s, "/channels/c/messages?after=0&wait=3600"));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            }
        }

        @Test
        void thatIsNotANumberIs400NamingWait() {
            HttpResponse<String> r = get("/channels/c/messages?wait=abc");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(WireJson.tree(r.body()).path("field").asText()).isEqualTo("wait");
            assertThat(WireJson.tree(r.body()).path("detail").asText()).contains("wait");
            assertThat(get("/channels/c/messages?wait=-1").statusCode()).isEqualTo(400);
            assertThat(handler.parkedCount()).isZero();
        }
    }

    @Nested
    @DisplayName("per-client channels user.<name>")
    class Targeted {

        /** Reads of user.NAME need the header X-User: NAME; anyone may publish to them. */
        private final Authorizer byHeader = (channel, action, exchange) -> action == Authorizer.Action.PUBLISH
                || !channel.startsWith("user.")
                || channel.equals("user." + exchange.getRequestHeaders().getFirst("X-User"));

        @Test
        void reachOnlyTheirOwnerAndWaitForHerWhileSheIsAway() {
            try (MessageStore shared = MessageStores.inMemory();
                 LongPollingHandler h = LongPolling.builder(shared)
                         .settings(HttpSettings.builder().authorizer(byHeader).build()).build();
                 PatternServer s = PatternServer.start(h, 0)) {
                CompletableFuture<HttpResponse<String>> alice = getAsync(s, "/channels/user.alice/messages?after=0&wait=10",
                        "X-User", "alice");
                CompletableFuture<HttpResponse<String>> bob = getAsync(s, "/channels/user.bob/messages?after=0&wait=2",
                        "X-User", "bob");
                Eventually.await(() -> h.parkedCount() == 2, "both parked");
                assertThat(TestHttp.post(s, "/channels/user.alice/messages", "{\"to\":\"alice\"}").statusCode())
                        .isEqualTo(201);
                ReadResult forAlice = WireJson.parseReadResult(join(alice).body());
                assertThat(forAlice.messages()).extracting(Message::data).containsExactly("{\"to\":\"alice\"}");
                assertThat(WireJson.parseReadResult(join(bob).body()).messages()).isEmpty();

                // Alice is away (no poll open): the message waits in the store for her next poll.
                TestHttp.post(s, "/channels/user.alice/messages", "{\"n\":2}");
                ReadResult next = WireJson.parseReadResult(join(getAsync(s,
                        "/channels/user.alice/messages?after=" + forAlice.cursor() + "&epoch=" + forAlice.epoch()
                                + "&wait=10", "X-User", "alice")).body());
                assertThat(next.messages()).extracting(Message::data).containsExactly("{\"n\":2}");

                HttpResponse<String> snooping = join(getAsync(s, "/channels/user.alice/messages?after=0&wait=1",
                        "X-User", "bob"));
                assertThat(snooping.statusCode()).isEqualTo(403);
                assertThat(h.parkedCount()).isZero();
            }
        }
    }

    @Nested
    @DisplayName("the Java client")
    class Client {

        @Test
        void resumesAcrossAServerRestartWithoutLossOrDuplicates() {
            MessageStore durable = MessageStores.inMemory();
            open.add(durable);
            PatternServer first = PatternServer.start(LongPolling.builder(durable).build(), 0);
            int port = first.port();
            RecordingListener got = new RecordingListener();
            try (LongPollingClient client = LongPollingClient.builder(first.uri()).wait(Duration.ofSeconds(5))
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build()) {
                client.subscribe("c", Cursor.after(0), got);
                for (int i = 0; i < 5; i++) {
                    client.publish("c", "{\"i\":" + i + "}");
                }
                got.awaitCount(5);
                first.close();
                for (int i = 0; i < 5; i++) {
                    durable.append("c", "{\"while\":\"down\"}");
                }
                try (PatternServer second = PatternServer.start(LongPolling.builder(durable).build(), port)) {
                    second.uri();
                    got.awaitCount(10);
                    client.publish("c", "{\"after\":\"restart\"}");
                    got.awaitCount(11);
                }
            }
            assertThat(got.ids()).isEqualTo(RecordingListener.range(1, 11));
            assertThat(got.resets()).isEmpty();
        }

        @Test
        void refusesBadSettings() {
            assertThatThrownBy(() -> LongPollingClient.builder(server.uri()).wait(Duration.ofMillis(500)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wait");
            assertThatThrownBy(() -> LongPolling.builder(store).timeout(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
            assertThatThrownBy(() -> LongPolling.builder(store).timeout(Duration.ofSeconds(90)).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTimeout");
        }
    }

    @Test
    void wakesFromAnyChangeSourceSuchAsAStorePollerOverH2() {
        try (MessageStore h2 = MessageStores.h2InMemory();
             StorePoller poller = StorePoller.builder(h2).interval(Duration.ofMillis(100)).build();
             LongPollingHandler h = LongPolling.builder(h2).changeSource(poller).build();
             PatternServer s = PatternServer.start(h, 0)) {
            CompletableFuture<HttpResponse<String>> poll = getAsync(s, "/channels/c/messages?after=0&wait=10");
            Eventually.await(() -> h.parkedCount() == 1, "parked");
            h2.append("c", "{\"written\":\"elsewhere\"}");
            ReadResult r = WireJson.parseReadResult(join(poll).body());
            assertThat(r.messages()).extracting(Message::data).containsExactly("{\"written\":\"elsewhere\"}");
        }
    }

    @Test
    void metricsShowTheParkedGauge() {
        CompletableFuture<HttpResponse<String>> poll = getAsync(server, "/channels/c/messages?after=0&wait=10");
        awaitParked(1);
        assertThat(WireJson.tree(get("/metrics").body()).path("parked").asInt()).isEqualTo(1);
        publish("c");
        join(poll);
        assertThat(WireJson.tree(get("/metrics").body()).path("parked").asInt()).isZero();
    }

    @Test
    void theBrowserModuleIsServed() {
        HttpResponse<String> r = get("/realtime/long-polling.js");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("export function subscribe", "export async function publish", "wait=");
    }

    @Test
    void theStandaloneServerReadsItsSettings() {
        try (Standalone running = Standalone.start("long-polling",
                Env.of(Map.of("PORT", "0", "HOST", "127.0.0.1", "LONG_POLL_TIMEOUT", "1s")), LongPollingServer::handler)) {
            HttpResponse<String> r = join(HTTP.sendAsync(HttpRequest.newBuilder(
                    running.uri().resolve("/channels/c/messages?after=0")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThatThrownBy(() -> Standalone.start("long-polling",
                Env.of(Map.of("PORT", "0", "LONG_POLL_TIMEOUT", "2m")), LongPollingServer::handler))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LONG_POLL_TIMEOUT");
    }
}
