package io.github.realtimepatterns.examples;

// snippet: several-patterns
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingHandler;
import io.github.realtimepatterns.longpollingbroker.LongPollingBroker;
import io.github.realtimepatterns.longpollingbroker.LongPollingBrokerHandler;
import io.github.realtimepatterns.polling.Polling;
import io.github.realtimepatterns.polling.PollingHandler;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.ssedbpolling.SseDbPollingHandler;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisHandler;
import io.undertow.Handlers;
import io.undertow.Undertow;
// end snippet: several-patterns

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.DocSnippets;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.longpolling.LongPollingClient;
import io.github.realtimepatterns.longpollingbroker.LongPollingBrokerClient;
import io.github.realtimepatterns.polling.PollingClient;
import io.github.realtimepatterns.ssedbpolling.SseClient;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * All five patterns mounted on one Undertow over one {@link RealtimeService}: a publish through any of them
 * reaches every pattern's subscribers at once (well before the hub's 10 s safety sweep), and the pitfall of
 * two handlers over one store with a broker each is refused when the second is built.
 */
class SeveralPatternsOnOneServerTest {

    /** Far below the 10 s sweep that would otherwise deliver a publish no broker announced. */
    private static final Duration AT_ONCE = Duration.ofSeconds(3);

    private final List<AutoCloseable> open = new ArrayList<>();

    private <T extends AutoCloseable> T closeLater(T resource) {
        open.add(0, resource);
        return resource;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aPublishThroughAnyPatternWakesEveryOtherPatternsSubscribersAtOnce() throws Exception {
        int port = 0; // any free one
        // snippet: several-patterns
        MessageStore store = MessageStores.h2InMemory();
        RealtimeService service = RealtimeService.builder(store).build();  // one for the whole server
        PollingHandler polling = Polling.builder(service).build();
        LongPollingHandler longPolling = LongPolling.builder(service).build();
        LongPollingBrokerHandler longPollingBroker = LongPollingBroker.builder(service).build();
        SseDbPollingHandler sse = SseDbPolling.builder(service).build();
        WebSocketsRedisHandler webSockets = WebSocketsRedis.builder(service).build();
        Undertow server = Undertow.builder().addHttpListener(port, "127.0.0.1")
                .setHandler(Handlers.path()
                        .addExactPath("/hello", exchange -> exchange.getResponseSender().send("hello"))
                        .addPrefixPath("/polling", polling)
                        .addPrefixPath("/long-polling", longPolling)
                        .addPrefixPath("/long-polling-broker", longPollingBroker)
                        .addPrefixPath("/sse", sse)
                        .addPrefixPath("/ws", webSockets))
                .build();
        server.start();
        service.publish("chat", "{\"n\":1}");  // from the server's own code: every pattern's subscribers get it
        // end snippet: several-patterns
        for (AutoCloseable c : List.<AutoCloseable>of(store, service, polling, longPolling, longPollingBroker, sse,
                webSockets, server::stop)) {
            closeLater(c);
        }
        URI base = URI.create("http://127.0.0.1:"
                + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort() + "/");

        Map<String, RealtimeClient> clients = Map.of(
                "polling", closeLater(PollingClient.builder(base.resolve("polling/")).interval(Duration.ofMillis(200)).build()),
                "long-polling", closeLater(LongPollingClient.builder(base.resolve("long-polling/")).build()),
                "long-polling-broker", closeLater(LongPollingBrokerClient.builder(List.of(base.resolve("long-polling-broker/"))).build()),
                "sse-db-polling", closeLater(SseClient.builder(base.resolve("sse/")).build()),
                "websockets-redis", closeLater(new WebSocketsRedisClient(base.resolve("ws/"))));
        Map<String, RecordingListener> heard = new java.util.TreeMap<>();
        clients.forEach((pattern, client) -> {
            RecordingListener listener = new RecordingListener();
            heard.put(pattern, listener);
            client.subscribe("chat", Cursor.after(0), listener);
        });

        // The first message may reach a subscriber by its join read; once all have it, every one waits.
        heard.values().forEach(l -> l.awaitCount(1));

        int expected = 1;
        for (String publisher : List.of("long-polling", "sse-db-polling", "websockets-redis", "polling",
                "long-polling-broker")) {
            expected++;
            long start = System.nanoTime();
            clients.get(publisher).publish("chat", "{\"via\":\"" + publisher + "\"}");
            for (Map.Entry<String, RecordingListener> e : heard.entrySet()) {
                e.getValue().awaitCount(expected, AT_ONCE);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("published through " + publisher)
                    .isLessThan(AT_ONCE);
        }
        // Server-side publishing: the one-liner on any handler's service.
        expected++;
        webSockets.service().publish("chat", "{\"via\":\"the server\"}");
        for (RecordingListener l : heard.values()) {
            l.awaitCount(expected, AT_ONCE);
        }
        heard.forEach((pattern, l) -> assertThat(l.ids()).as(pattern).isEqualTo(RecordingListener.range(1, 7)));
        assertThat(new java.net.URL(base + "hello").openStream().readAllBytes()).asString().isEqualTo("hello");
    }

    @Test
    void theDocsPageShowsThisCode() {
        DocSnippets.assertDocMatches(Path.of("../docs/several-patterns.md"),
                Path.of("src/test/java/io/github/realtimepatterns/examples/SeveralPatternsOnOneServerTest.java"));
    }

    @Test
    void aSecondHandlerOverTheSameStoreWithABrokerOfItsOwnIsRefusedSayingWhatToShare() {
        MessageStore store = closeLater(MessageStores.inMemory());
        PollingHandler first = Polling.builder(store).build();
        assertThatThrownBy(() -> LongPolling.builder(store).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RealtimeService service = RealtimeService.builder(store).build()")
                .hasMessageContaining("LongPolling.builder(service)")
                .hasMessageContaining("the same broker");
        assertThatThrownBy(() -> SseDbPolling.builder(store).build()).isInstanceOf(IllegalStateException.class);
        // Handlers that share one broker hear each other; so does a handler built once the first is closed.
        first.close();
        InJvmBroker broker = closeLater(new InJvmBroker());
        closeLater(Polling.builder(store).broker(broker).build());
        closeLater(LongPolling.builder(store).broker(broker).build());
    }

    @Test
    void closingOneHandlerLeavesTheSharedServiceAndTheOtherHandlersRunning() throws Exception {
        MessageStore store = closeLater(MessageStores.inMemory());
        RealtimeService service = closeLater(RealtimeService.builder(store).build());
        LongPollingHandler kept = closeLater(LongPolling.builder(service).build());
        Polling.builder(service).build().close();
        try (var server = io.github.realtimepatterns.core.http.PatternServer.start(kept, 0);
                LongPollingClient client = LongPollingClient.builder(server.uri()).build()) {
            RecordingListener listener = new RecordingListener();
            client.subscribe("chat", Cursor.after(0), listener);
            service.publish("chat", "{\"n\":1}");
            listener.awaitCount(1);
            kept.service().publish("chat", "{\"n\":2}");
            listener.awaitCount(2, AT_ONCE);
        }
    }

    @Test
    void whatBelongsToTheSharedServiceIsRefusedOnAHandlerBuiltOverIt() {
        MessageStore store = closeLater(MessageStores.inMemory());
        RealtimeService service = closeLater(RealtimeService.builder(store).build());
        InJvmBroker broker = closeLater(new InJvmBroker());
        assertThatThrownBy(() -> LongPolling.builder(service).broker(broker))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("RealtimeService.builder(store)");
        assertThatThrownBy(() -> SseDbPolling.builder(service).pollInterval(Duration.ofMillis(100)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> WebSocketsRedis.builder(service).sweepInterval(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Polling.builder(service).broker(broker)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LongPollingBroker.builder(service).hubThreads(2)).isInstanceOf(IllegalStateException.class);
    }
}
