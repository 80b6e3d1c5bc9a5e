package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.DocsPageContract;
import java.net.URI;

/**
 * docs/websockets-redis.md: its java blocks are {@code WebSocketsRedisExample}'s (run over a real {@code
 * redis-server} by the examples' {@code ExampleMainsIT}), and its handler mounts under a prefix.
 */
class WebSocketsRedisDocsTest extends DocsPageContract {

    WebSocketsRedisDocsTest() {
        super("websockets-redis", "WebSocketsRedisExample");
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return WebSocketsRedis.builder(store).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return new WebSocketsRedisClient(base);
    }
}
