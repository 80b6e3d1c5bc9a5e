package io.github.realtimepatterns.websocketsredis;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The java blocks of docs/websockets-redis.md, compiled and run: each {@code // snippet:} region is one
 * block. The handler snippet runs over a real {@code redis-server} started by the {@link RedisServer} fixture.
 */
class WebSocketsRedisDocsTest {

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
        DocSnippets.assertDocMatches(Path.of("../docs/websockets-redis.md"),
                Path.of("src/test/java/io/github/realtimepatterns/websocketsredis/WebSocketsRedisDocsTest.java"));
    }

    @Test
    void runsAloneOverRedisAndDeliversToTheWebSocketClient() {
        String redisUrl = closeLater(RedisServer.start()).uri().toString();

        // snippet: handler
        MessageStore store = MessageStores.h2InMemory();
        RedisBroker broker = RedisBroker.builder(redisUrl).build();
        WebSocketsRedisHandler handler = WebSocketsRedis.builder(store)
                .broker(broker)                        // in-JVM when not set: one node only
                .pingInterval(Duration.ofSeconds(25))
                .build();
        // end snippet: handler
        closeLater(store);
        closeLater(broker);
        closeLater(handler);

        // snippet: run
        PatternServer server = PatternServer.start(handler, 0);     // 0: any free port
        WebSocketsRedisClient client = new WebSocketsRedisClient(server.uri());
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
        WebSocketsRedisHandler handler = closeLater(WebSocketsRedis.builder(store).build());
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
        WebSocketsRedisClient client = closeLater(
                new WebSocketsRedisClient(URI.create("http://" + host + ":" + bound + "/realtime/")));
        client.subscribe("chat", Cursor.after(0), listener);
        client.publish("chat", "{\"text\":\"hi\"}");
        listener.awaitCount(1);
        assertThat(listener.messages()).extracting(Message::channel).containsExactly("chat");
    }
}
