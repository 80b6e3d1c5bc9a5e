package io.github.realtimepatterns.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.store.Retention;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every pattern's browser client must do in a real headless Chromium, run by each module through a
 * few-line {@code *BrowserIT} subclass: follow a channel, lose its connection when the server goes away,
 * and resume from its cursor when it is back, with every message once and in order; follow a new epoch
 * after a reset; get what retention kept after a truncation.
 *
 * <p>The kit serves the module's handler and a {@link ClientTestPage} from one origin on a free port. A
 * connection is dropped the way a node restart drops it: the server (and the handler, which ends its
 * streams, sockets and parked polls) is closed, the kit waits until the page has seen its connection fail,
 * messages are appended to the store meanwhile, and a new handler over the store is started on the same
 * port. One Chromium serves all tests of a class; each test loads a fresh page.
 */
public abstract class BrowserClientContract {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String CHANNEL = "browser";
    private static HeadlessChromium chromium;

    private MessageStore store;
    private PatternServer server;
    private int port;

    /** The pattern's handler over {@code store}, its knobs set for fast tests (short timeouts and intervals). */
    protected abstract RealtimeHandler newHandler(MessageStore store);

    /** Where the handler serves its browser client, like {@code /realtime/polling.js}. */
    protected abstract String script();

    /**
     * The options the page passes to {@code subscribe} (JSON). The default is the same for every module, as
     * the option vocabulary is: short intervals and backoff, so the tests run fast.
     */
    protected String options() {
        return "{\"limit\":100,\"interval\":50,\"wait\":5000,\"backoffMin\":50,\"backoffMax\":500}";
    }

    @BeforeAll
    static void startChromium() {
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void quitChromium() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    @BeforeEach
    void blankPage() {
        chromium.open(URI.create("about:blank"));
    }

    @AfterEach
    void stopServer() {
        chromium.open(URI.create("about:blank"));
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void resumesFromItsCursorAfterTheServerDropsItsConnectionWithNothingLostOrRepeated() {
        start(MessageStores.inMemory(), 0);
        openPage();
        publishOverHttp(1, 5);
        awaitMessages(5);

        dropConnection();
        for (int n = 6; n <= 10; n++) {
            store.append(CHANNEL, "{\"n\":" + n + "}");
        }
        start(store, port);
        awaitMessages(10);
        Map<String, Object> published = publishFromPage("{\"n\":11}");
        assertThat(published.get("id")).as("the stored message the page's publish resolved with").isEqualTo(11L);
        assertThat(published.get("data")).isEqualTo(Map.of("n", 11L));
        publishOverHttp(12, 15);
        awaitMessages(15);

        assertThat(messageIds()).as("every message once, in order").isEqualTo(range(1, 15));
        assertThat(messageData()).isEqualTo(range(1, 15));
        assertThat(events("reset")).as("the cursor was honoured: no reset").isEmpty();
        assertThat(events("ready")).as("connected, then connected again after the drop").hasSizeGreaterThanOrEqualTo(2);
        assertThat(store.read(CHANNEL, Cursor.after(10), 10).messages())
                .extracting(Message::data).containsExactly("{\"n\":11}", "{\"n\":12}", "{\"n\":13}",
                        "{\"n\":14}", "{\"n\":15}");
    }

    @Test
    void followsTheNewEpochAfterAResetAndDeliversItsIdsAlthoughTheyWereSeenInTheOldOne() {
        start(MessageStores.inMemory(), 0);
        openPage();
        publishOverHttp(1, 3);
        awaitMessages(3);
        String oldEpoch = (String) events("ready").get(0).get("epoch");

        dropConnection();
        store.close();
        start(MessageStores.inMemory(), port); // a new stream: another epoch, ids start again at 1
        Eventually.await(DEADLINE, () -> !events("reset").isEmpty(), this::state);
        Map<String, Object> reset = events("reset").get(0);
        assertThat(reset.get("reset")).isEqualTo(true);
        assertThat(reset.get("truncated")).isEqualTo(false);
        assertThat(reset.get("epoch")).isNotEqualTo(oldEpoch);
        assertThat(reset.get("cursor")).as("the head of the new, empty stream").isEqualTo(0L);

        publishOverHttp(4, 6);
        awaitMessages(6);
        assertThat(sequence()).containsExactly("1", "2", "3", "reset", "1", "2", "3");
        assertThat(messageData()).isEqualTo(range(1, 6));
    }

    @Test
    void isToldOfATruncationAndGetsWhatRetentionKept() {
        start(MessageStores.inMemory(Retention.ofMessages(5)), 0);
        openPage();
        publishOverHttp(1, 3);
        awaitMessages(3);

        dropConnection();
        for (int n = 4; n <= 23; n++) {
            store.append(CHANNEL, "{\"n\":" + n + "}");
        }
        start(store, port);
        awaitMessages(8);
        publishOverHttp(24, 24);
        awaitMessages(9);

        assertThat(sequence()).containsExactly("1", "2", "3", "truncated", "19", "20", "21", "22", "23", "24");
        Map<String, Object> reset = events("reset").get(0);
        assertThat(reset.get("cursor")).as("just before the oldest kept message").isEqualTo(18L);
        assertThat(reset.get("reset")).isEqualTo(false);
    }

    private void start(MessageStore over, int onPort) {
        store = over;
        server = PatternServer.start(new ClientTestPage(newHandler(over)), onPort);
        port = server.port();
    }

    private void openPage() {
        chromium.open(ClientTestPage.url(server.uri(), script(), CHANNEL, options()));
        Eventually.await(DEADLINE, () -> Boolean.TRUE.equals(chromium.eval(
                "return window.record && window.record.started")), this::state);
        Eventually.await(DEADLINE, () -> !events("ready").isEmpty(), () -> "the client connected; " + state());
    }

    /** Closes the server and its handler, and waits until the page has seen its connection fail. */
    private void dropConnection() {
        long errors = errors();
        server.close();
        server = null;
        Eventually.await(DEADLINE, () -> errors() > errors, () -> "the page saw its connection fail; " + state());
    }

    private void publishOverHttp(int from, int to) {
        for (int n = from; n <= to; n++) {
            HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/channels/" + CHANNEL + "/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}")).build();
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            } catch (IOException e) {
                throw new AssertionError("publishing " + n, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while publishing " + n, e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> publishFromPage(String json) {
        Object result = chromium.evalAsync("const done = arguments[arguments.length - 1];"
                + " window.publish(arguments[0]).then((m) => done({ id: m.id, data: m.data }),"
                + " (e) => done({ error: String(e && e.message) }));", json);
        Map<String, Object> published = (Map<String, Object>) result;
        assertThat(published).as("the page's publish").doesNotContainKey("error");
        return published;
    }

    private void awaitMessages(int count) {
        Eventually.await(DEADLINE, () -> messageIds().size() >= count,
                () -> count + " messages in the page; " + state());
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events() {
        Object events = chromium.eval("return window.record ? window.record.events : []");
        return (List<Map<String, Object>>) events;
    }

    private List<Map<String, Object>> events(String type) {
        return events().stream().filter(e -> type.equals(e.get("type"))).toList();
    }

    private List<Long> messageIds() {
        return events("message").stream().map(e -> (Long) e.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    private List<Long> messageData() {
        return events("message").stream().map(e -> (Long) ((Map<String, Object>) e.get("data")).get("n")).toList();
    }

    /** Messages as their ids, resets as {@code reset} or {@code truncated}; ready events left out. */
    private List<String> sequence() {
        return events().stream().filter(e -> !"ready".equals(e.get("type")))
                .map(e -> "message".equals(e.get("type")) ? String.valueOf(e.get("id"))
                        : Boolean.TRUE.equals(e.get("truncated")) ? "truncated" : "reset")
                .toList();
    }

    private long errors() {
        Object errors = chromium.eval("return window.record ? window.record.errors : 0");
        return ((Number) errors).longValue();
    }

    private String state() {
        return "page state: " + chromium.eval("return JSON.stringify(window.record)");
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
