package io.github.realtimepatterns.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.change.StorePoller;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.store.Retention;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.core.testing.RedisServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every transport must do, run by each pattern module through a one-screen subclass: delivery
 * once and in order, cursors, resets, truncation, and the shared HTTP errors that leave nothing stored.
 *
 * <p>Subclasses say how to build their handler over a store and a change source, which Java client to
 * use, and where their subscribe endpoint lives; the kit starts a real server on a free port for each
 * test. Every scenario (every test of this class and of its nested classes) runs once per {@link
 * ChangeSourceKind change source}: the in-JVM broker, Redis Pub/Sub (one real {@code redis-server} per test
 * class, started when first needed) and the store poller, so the transports x change sources matrix is
 * what the reports show. A transport with nothing to wake (polling) hides {@link #changeSourceKinds()} with
 * its own static method returning {@link ChangeSourceKind#NONE} and runs them once.
 *
 * <p>A new scenario is a {@code @Test} method in this class or one of its {@code @Nested} classes that
 * starts its server with {@link #start(MessageStore)}; it then runs over every change source by itself.
 */
@ParameterizedClass(name = "over {0}")
@MethodSource("changeSourceKinds")
public abstract class TransportContract {

    /** The JDK client the kit uses for raw HTTP checks; HTTP/1.1 as the library's clients use. */
    protected static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** How often the store poller reads the store in the {@link ChangeSourceKind#STORE_POLLER} runs. */
    protected static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private static final AtomicInteger REDIS_PREFIXES = new AtomicInteger();
    private static RedisServer redis;

    /** The change source of this run; set by JUnit before each test. */
    @Parameter
    protected ChangeSourceKind changeSourceKind;

    private final List<AutoCloseable> open = new ArrayList<>();

    /** How the handler under test hears of new messages in one run of the scenarios. */
    public enum ChangeSourceKind {
        /** An {@code InJvmBroker}: announces publishes and wakes the handler at once. */
        IN_JVM_BROKER("the in-JVM broker"),
        /** A {@code RedisBroker} on a real redis-server: announces publishes and wakes the handler. */
        REDIS("Redis Pub/Sub"),
        /** A {@code StorePoller} reading the store every {@link #POLL_INTERVAL}; publishes go to an unheard in-JVM broker. */
        STORE_POLLER("the store poller"),
        /** For a transport that waits for nothing (polling): an in-JVM broker it may announce to. */
        NONE("no change source");

        private final String description;

        ChangeSourceKind(String description) {
            this.description = description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** The change sources every scenario runs over. A subclass may hide this with its own static method. */
    protected static List<ChangeSourceKind> changeSourceKinds() {
        return List.of(ChangeSourceKind.IN_JVM_BROKER, ChangeSourceKind.REDIS, ChangeSourceKind.STORE_POLLER);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    /**
     * The pattern's handler over {@code store} (its knobs set for fast tests: short timeouts, intervals),
     * announcing publishes through {@code broker}, woken by {@code changeSource} (the broker itself or a
     * store poller) and with {@code settings} (limits, origins, authorizer). Wire them all:
     * {@code builder(store).broker(broker).changeSource(changeSource).settings(settings)}. The handler is
     * not to close the broker or the change source: the kit does, after the test.
     */
    protected abstract RealtimeHandler newHandler(MessageStore store, Broker broker, ChangeSource changeSource,
                                                  HttpSettings settings);

    /** The pattern's Java client for a server at {@code base}. */
    protected abstract RealtimeClient newClient(URI base);

    /** The subscribe path of the transport for {@code channel}, relative, like {@code channels/c/events}. */
    protected abstract String subscribePath(String channel);

    /** Starts a handler over {@code store} and this run's change source on a free port; all closed after the test. */
    protected final PatternServer start(MessageStore store) {
        return start(newHandler(store), store);
    }

    /** Starts {@code handler} (over {@code store}) on a free port; both closed after the test. */
    protected final PatternServer start(RealtimeHandler handler, MessageStore store) {
        PatternServer server = PatternServer.start(handler, 0);
        if (!open.contains(store)) {
            open.add(0, store);
        }
        open.add(0, server);
        return server;
    }

    /** The pattern's handler over {@code store} and this run's change source, with default settings. */
    protected final RealtimeHandler newHandler(MessageStore store) {
        return newHandler(store, HttpSettings.DEFAULTS);
    }

    /**
     * The pattern's handler over {@code store} and this run's change source, with {@code settings}; the
     * store, broker and change source are closed after the test (the handler too once started).
     */
    protected final RealtimeHandler newHandler(MessageStore store, HttpSettings settings) {
        open.add(0, store);
        Broker broker = switch (changeSourceKind) {
            case REDIS -> RedisBroker.builder(redis().uri())
                    .keyPrefix("transport" + REDIS_PREFIXES.incrementAndGet() + ":").build();
            case IN_JVM_BROKER, STORE_POLLER, NONE -> new InJvmBroker();
        };
        open.add(0, broker);
        ChangeSource changeSource = broker;
        if (changeSourceKind == ChangeSourceKind.STORE_POLLER) {
            changeSource = StorePoller.builder(store).interval(POLL_INTERVAL).build();
            open.add(0, changeSource);
        }
        // A node serves once it hears: a Redis subscriber connects asynchronously (health says DOWN until then).
        Eventually.await(broker::isHealthy, broker.describe() + " connected");
        return newHandler(store, broker, changeSource, settings);
    }

    private static synchronized RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.start();
        }
        return redis;
    }

    /** A client for {@code server}; closed after the test. */
    protected final RealtimeClient client(PatternServer server) {
        RealtimeClient client = newClient(server.uri());
        open.add(0, client);
        return client;
    }

    /**
     * Waits until a subscription started at the head knows where the head is, so that what is published
     * next counts as new. Transports whose clients learn the head later override this.
     */
    protected void awaitEstablished(ClientSubscription subscription) {
        Eventually.await(() -> subscription.position().epoch() != null,
                "subscription to " + subscription.channel() + " learned the epoch and head");
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        open.clear();
    }

    /** Publishes {@code count} messages {@code {"n":i}} through the server's HTTP endpoint. */
    protected static void publish(PatternServer server, String channel, int count) {
        for (int i = 0; i < count; i++) {
            HttpResponse<String> r = post(server, "channels/" + channel + "/messages", "{\"n\":" + i + "}",
                    "application/json");
            assertThat(r.statusCode()).as("publish answer: %s", r.body()).isEqualTo(201);
        }
    }

    /** Sends a raw request and returns the answer as text. */
    protected static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request " + request + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** POSTs {@code body} with {@code contentType} to {@code path} (relative to the server). */
    protected static HttpResponse<String> post(PatternServer server, String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(server.uri().resolve("/" + path))
                .header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Asserts a problem+json answer with {@code status} whose detail mentions {@code mentions}. */
    protected static void assertProblem(HttpResponse<String> response, int status, String mentions) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problems.MEDIA_TYPE);
        JsonNode problem = WireJson.tree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("type").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).containsIgnoringCase(mentions);
    }

    @Nested
    @DisplayName("delivery")
    class Delivery {

        @Test
        void deliversWhatIsPublishedAfterSubscribing() {
            PatternServer server = start(MessageStores.inMemory());
            publish(server, "chat", 2);
            RecordingListener got = new RecordingListener();
            ClientSubscription sub = client(server).subscribe("chat", Cursor.head(), got);
            awaitEstablished(sub);
            publish(server, "chat", 3);
            got.awaitCount(3);
            assertThat(got.ids()).containsExactly(3L, 4L, 5L);
            assertThat(got.messages().get(0).data()).isEqualTo("{\"n\":0}");
            assertThat(got.messages().get(0).channel()).isEqualTo("chat");
        }

        @Test
        void everySubscriberGetsEveryMessageOnceInOrder() {
            PatternServer server = start(MessageStores.inMemory());
            RealtimeClient client = client(server);
            List<RecordingListener> listeners = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RecordingListener l = new RecordingListener();
                listeners.add(l);
                (i % 2 == 0 ? client : client(server)).subscribe("room", Cursor.after(0), l);
            }
            for (int i = 0; i < 60; i++) {
                client.publish("room", "{\"i\":" + i + "}");
            }
            for (RecordingListener l : listeners) {
                l.awaitCount(60);
                assertThat(l.ids()).isEqualTo(RecordingListener.range(1, 60));
            }
        }

        @Test
        void resumingFromACursorGetsExactlyWhatWasMissed() {
            PatternServer server = start(MessageStores.inMemory());
            publish(server, "news", 10);
            RealtimeClient client = client(server);
            RecordingListener first = new RecordingListener();
            ClientSubscription sub = client.subscribe("news", Cursor.after(4), first);
            first.awaitCount(6);
            assertThat(first.ids()).isEqualTo(RecordingListener.range(5, 10));
            Cursor where = sub.position();
            sub.close();
            assertThat(where.after()).isEqualTo(10);
            publish(server, "news", 5);
            RecordingListener second = new RecordingListener();
            client.subscribe("news", where, second);
            second.awaitCount(5);
            assertThat(second.ids()).isEqualTo(RecordingListener.range(11, 15));
            assertThat(second.resets()).isEmpty();
        }

        @Test
        void afterZeroDeliversTheRetainedHistory() {
            PatternServer server = start(MessageStores.inMemory());
            publish(server, "log", 7);
            RecordingListener got = new RecordingListener();
            client(server).subscribe("log", Cursor.after(0), got);
            got.awaitCount(7);
            assertThat(got.ids()).isEqualTo(RecordingListener.range(1, 7));
        }

        @Test
        void channelsAreIsolated() {
            PatternServer server = start(MessageStores.inMemory());
            RecordingListener a = new RecordingListener();
            RealtimeClient client = client(server);
            client.subscribe("a", Cursor.after(0), a);
            publish(server, "b", 3);
            publish(server, "a", 1);
            a.awaitCount(1);
            publish(server, "a", 1);
            a.awaitCount(2);
            assertThat(a.messages()).extracting(Message::channel).containsOnly("a");
            assertThat(a.ids()).containsExactly(1L, 2L);
        }
    }

    @Nested
    @DisplayName("cursors that cannot be honoured")
    class Resets {

        @Test
        void aCursorFromAnotherEpochIsReset() {
            PatternServer server = start(MessageStores.inMemory());
            publish(server, "c", 3);
            RecordingListener got = new RecordingListener();
            client(server).subscribe("c", Cursor.of("otherepoch", 2), got);
            Eventually.await(() -> !got.resets().isEmpty(), "a reset notice");
            ReadResult reset = got.resets().get(0);
            assertThat(reset.reset()).isTrue();
            assertThat(reset.cursor()).isEqualTo(3);
            publish(server, "c", 1);
            got.awaitCount(1);
            assertThat(got.ids()).containsExactly(4L);
        }

        @Test
        void aCursorAheadOfTheHeadIsReset() {
            PatternServer server = start(MessageStores.inMemory());
            publish(server, "c", 2);
            RecordingListener got = new RecordingListener();
            client(server).subscribe("c", Cursor.after(100), got);
            Eventually.await(() -> !got.resets().isEmpty(), "a reset notice");
            assertThat(got.resets().get(0).cursor()).isEqualTo(2);
            publish(server, "c", 1);
            got.awaitCount(1);
            assertThat(got.ids()).containsExactly(3L);
        }

        @Test
        void aCursorBehindRetentionIsTruncatedAndGetsWhatWasKept() {
            PatternServer server = start(MessageStores.inMemory(Retention.ofMessages(5)));
            publish(server, "c", 10);
            RecordingListener got = new RecordingListener();
            client(server).subscribe("c", Cursor.after(1), got);
            got.awaitCount(5);
            assertThat(got.ids()).isEqualTo(RecordingListener.range(6, 10));
            assertThat(got.resets()).hasSize(1);
            assertThat(got.resets().get(0).truncated()).isTrue();
        }
    }

    /** Asserts a problem+json answer with {@code status} that names {@code field} as the wrong one. */
    protected static void assertProblemNaming(HttpResponse<String> response, int status, String field) {
        assertProblem(response, status, field);
        assertThat(WireJson.tree(response.body()).path("field").asText()).as("field of %s", response.body())
                .isEqualTo(field);
    }

    /** GETs {@code path} (relative to the server) and returns the answer. */
    protected static HttpResponse<String> get(PatternServer server, String path) {
        return send(HttpRequest.newBuilder(server.uri().resolve("/" + path)).timeout(Duration.ofSeconds(20))
                .GET().build());
    }

    @Nested
    @DisplayName("bad input is refused and leaves nothing behind")
    class BadInput {

        @Test
        void anInvalidChannelNameIs400() {
            PatternServer server = start(MessageStores.inMemory());
            assertProblem(post(server, "channels/bad$name/messages", "{}", "application/json"), 400, "channel");
            String tooLong = "x".repeat(129);
            assertProblem(post(server, "channels/" + tooLong + "/messages", "{}", "application/json"), 400,
                    "channel");
            assertProblem(send(HttpRequest.newBuilder(server.uri().resolve("/" + subscribePath("bad$name")))
                    .timeout(Duration.ofSeconds(20)).GET().build()), 400, "channel");
        }

        @Test
        void aBodyOverTheLimitIs413AndNothingIsStored() {
            MessageStore store = MessageStores.inMemory();
            PatternServer server = start(store);
            String big = "\"" + "a".repeat(64 * 1024) + "\"";
            assertProblem(post(server, "channels/c/messages", big, "application/json"), 413, "limit");
            assertThat(store.head("c")).isZero();
        }

        @Test
        void invalidJsonIs400AndNothingIsStored() {
            MessageStore store = MessageStores.inMemory();
            PatternServer server = start(store);
            assertProblem(post(server, "channels/c/messages", "{\"a\":", "application/json"), 400, "JSON");
            assertProblem(post(server, "channels/c/messages", "", "application/json"), 400, "body");
            assertProblem(post(server, "channels/c/messages", "{} {}", "application/json"), 400, "JSON");
            assertThat(store.head("c")).isZero();
        }

        @Test
        void aWrongMediaTypeIs415() {
            MessageStore store = MessageStores.inMemory();
            PatternServer server = start(store);
            assertProblem(post(server, "channels/c/messages", "a=b", "application/x-www-form-urlencoded"), 415,
                    "Content-Type");
            assertThat(store.head("c")).isZero();
        }

        @Test
        void aWrongMethodIs405() {
            PatternServer server = start(MessageStores.inMemory());
            assertProblem(send(HttpRequest.newBuilder(server.uri().resolve("/channels/c/messages"))
                    .method("DELETE", HttpRequest.BodyPublishers.noBody()).build()), 405, "DELETE");
        }

        @Test
        void anUnknownPathIs404() {
            PatternServer server = start(MessageStores.inMemory());
            assertProblem(send(HttpRequest.newBuilder(server.uri().resolve("/nothing/here")).GET().build()), 404,
                    "/nothing/here");
        }

        @Test
        void aMalformedCursorIs400NamingIt() {
            PatternServer server = start(MessageStores.inMemory());
            assertProblem(send(HttpRequest.newBuilder(server.uri().resolve("/" + subscribePath("c") + "?after=abc"))
                    .timeout(Duration.ofSeconds(20)).GET().build()), 400, "after");
        }

        @Test
        void everyMalformedReadParameterIs400NamingIt() {
            PatternServer server = start(MessageStores.inMemory());
            String path = subscribePath("c");
            assertProblemNaming(get(server, path + "?after=abc"), 400, "after");
            assertProblemNaming(get(server, path + "?after=-1"), 400, "after");
            assertProblemNaming(get(server, path + "?after=1&after=2"), 400, "after");
            assertProblemNaming(get(server, path + "?after=1&epoch=not*an*epoch"), 400, "epoch");
            assertProblemNaming(get(server, path + "?epoch=" + "e".repeat(65)), 400, "epoch");
            assertProblemNaming(get(server, path + "?limit=0"), 400, "limit");
            assertProblemNaming(get(server, path + "?limit=1001"), 400, "limit");
            assertProblemNaming(get(server, path + "?limit=ten"), 400, "limit");
            assertProblemNaming(get(server, "channels/bad$name/" + path.substring(path.lastIndexOf('/') + 1)),
                    400, "channel");
        }

        @Test
        void whatTheAuthorizerRefusesIs403AndNothingIsStored() {
            MessageStore store = MessageStores.inMemory();
            Authorizer noSecrets = (channel, action, exchange) -> !channel.startsWith("secret");
            PatternServer server = start(newHandler(store, HttpSettings.builder().authorizer(noSecrets).build()),
                    store);
            assertProblemNaming(get(server, subscribePath("secret.a")), 403, "channel");
            assertProblemNaming(post(server, "channels/secret.a/messages", "{}", "application/json"), 403,
                    "channel");
            assertThat(store.head("secret.a")).isZero();
            publish(server, "open", 1);
        }

        @Test
        void theEntryChecksInTheSameOrderEverywhere() {
            MessageStore store = MessageStores.inMemory();
            Authorizer nobody = (channel, action, exchange) -> false;
            PatternServer server = start(newHandler(store, HttpSettings.builder().authorizer(nobody).build()), store);
            // The channel before the cursor, the cursor before the limit, all of them before the authorizer.
            String path = subscribePath("c");
            assertProblemNaming(get(server, "channels/bad$name/" + path.substring(path.lastIndexOf('/') + 1)
                    + "?after=x"), 400, "channel");
            assertProblemNaming(get(server, path + "?after=x&limit=0"), 400, "after");
            assertProblemNaming(get(server, path + "?limit=0"), 400, "limit");
            assertProblemNaming(get(server, path), 403, "channel");
        }

        @Test
        void whileTheHandlerClosesEveryChannelRouteIs503AndNothingIsStored() {
            MessageStore store = MessageStores.inMemory();
            RealtimeHandler handler = newHandler(store);
            PatternServer server = start(handler, store);
            publish(server, "c", 1);
            handler.close();
            assertProblem(get(server, subscribePath("c") + "?after=0"), 503, "shutting down");
            assertProblem(get(server, subscribePath("bad$name")), 503, "shutting down");
            assertProblem(post(server, "channels/c/messages", "{}", "application/json"), 503, "shutting down");
            assertThat(store.head("c")).isEqualTo(1);
        }

        @Test
        void aRefusedRequestDoesNotDisturbOtherSubscribers() {
            PatternServer server = start(MessageStores.inMemory());
            RecordingListener got = new RecordingListener();
            client(server).subscribe("c", Cursor.after(0), got);
            post(server, "channels/c/messages", "not json", "application/json");
            publish(server, "c", 2);
            got.awaitCount(2);
            assertThat(got.ids()).containsExactly(1L, 2L);
        }
    }

    @Test
    void healthAnswersUpWithTheStoreReachable() {
        PatternServer server = start(MessageStores.inMemory());
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.uri().resolve("/health")).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(WireJson.tree(r.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void publishingThroughTheClientAnswersTheStoredMessage() {
        PatternServer server = start(MessageStores.inMemory());
        Message m = client(server).publish("c", "{\"text\": \"héllo ✓\"}");
        assertThat(m.id()).isEqualTo(1);
        assertThat(m.data()).isEqualTo("{\"text\":\"héllo ✓\"}");
    }
}
