package io.github.realtimepatterns.longpollingbroker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.DocSnippets;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.core.testing.RedisServer;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The java blocks of docs/long-polling-broker.md, compiled and run: each {@code // snippet:} region is one
 * block. They run over a real {@code redis-server} ({@link RedisServer}) and an H2 TCP server ({@link H2Tcp}).
 */
class LongPollingBrokerDocsTest {

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
        DocSnippets.assertDocMatches(Path.of("../docs/long-polling-broker.md"),
                Path.of("src/test/java/io/github/realtimepatterns/longpollingbroker/LongPollingBrokerDocsTest.java"));
    }

    @Test
    void runsANodeAloneAndDeliversToTheClusterClient() {
        String jdbcUrl = closeLater(H2Tcp.start()).newDatabaseUrl();
        String redisUrl = closeLater(RedisServer.start()).uri().toString();

        // snippet: handler
        MessageStore store = MessageStores.jdbc(jdbcUrl);                // the database every node shares
        RedisBroker broker = RedisBroker.builder(redisUrl).build();      // the Redis every node shares
        LongPollingBrokerHandler handler = LongPollingBroker.builder(store, broker)
                .timeout(Duration.ofSeconds(25))
                .build();
        // end snippet: handler
        closeLater(store);
        closeLater(broker);
        closeLater(handler);

        // snippet: run
        PatternServer server = PatternServer.start(handler, 0);     // 0: any free port
        LongPollingBrokerClient client = LongPollingBrokerClient.create(List.of(server.uri()));
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
        String redisUrl = closeLater(RedisServer.start()).uri().toString();
        MessageStore store = closeLater(MessageStores.inMemory());
        RedisBroker broker = closeLater(RedisBroker.builder(redisUrl).build());
        LongPollingBrokerHandler handler = closeLater(LongPollingBroker.builder(store, broker).build());
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
        LongPollingBrokerClient client = closeLater(LongPollingBrokerClient.create(
                List.of(URI.create("http://" + host + ":" + bound + "/realtime/"))));
        client.subscribe("chat", Cursor.after(0), listener);
        client.publish("chat", "{\"text\":\"hi\"}");
        listener.awaitCount(1);
        assertThat(listener.messages()).extracting(Message::channel).containsExactly("chat");
    }
}
