package io.github.realtimepatterns.polling;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.DocSnippets;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The java blocks of docs/polling.md, compiled and run: each {@code // snippet:} region is one block. */
class PollingDocsTest {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeEverything() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        open.push(closeable);
        return closeable;
    }

    @Test
    void theDocsPageShowsThisCode() {
        DocSnippets.assertDocMatches(Path.of("../docs/polling.md"),
                Path.of("src/test/java/io/github/realtimepatterns/polling/PollingDocsTest.java"));
    }

    @Test
    void runsAloneAndDeliversToThePollingClient() {
        // snippet: handler
        MessageStore store = MessageStores.h2InMemory();
        PollingHandler handler = Polling.builder(store)
                .settings(HttpSettings.builder().allowOrigins("https://app.example").build())
                .build();
        // end snippet: handler
        closeLater(store);
        closeLater(handler);

        // snippet: run
        PatternServer server = PatternServer.start(handler, 0);     // 0: any free port
        PollingClient client = PollingClient.builder(server.uri())
                .interval(Duration.ofSeconds(1))
                .build();
        client.subscribe("chat", Cursor.after(0), listener);
        client.publish("chat", "{\"text\":\"hi\"}");
        // end snippet: run
        closeLater(server);
        closeLater(client);

        listener.awaitCount(1);
        assertThat(listener.messages()).extracting(Message::data).containsExactly("{\"text\":\"hi\"}");
    }

    @Test
    void mountsUnderAPrefixOfYourOwnUndertow() {
        MessageStore store = closeLater(MessageStores.inMemory());
        PollingHandler handler = closeLater(Polling.builder(store).build());
        int port = 0;
        String host = "127.0.0.1";

        // snippet: mount
        Undertow undertow = Undertow.builder()
                .addHttpListener(port, host)
                .setHandler(Handlers.path().addPrefixPath("/realtime", handler))
                .build();
        undertow.start();
        // end snippet: mount
        closeLater(undertow::stop);

        int bound = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        URI base = URI.create("http://" + host + ":" + bound + "/realtime/");
        PollingClient client = closeLater(PollingClient.builder(base).interval(Duration.ofMillis(50)).build());
        client.subscribe("chat", Cursor.after(0), listener);
        client.publish("chat", "{\"text\":\"hi\"}");
        listener.awaitCount(1);
        assertThat(listener.messages()).extracting(Message::channel).containsExactly("chat");
    }
}
