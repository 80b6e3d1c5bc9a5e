package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.TransportContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.time.Duration;

/** The transport contract, run over WebSockets with the in-JVM broker. */
class WebSocketsRedisTransportTest extends TransportContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return WebSocketsRedis.builder(store).pingInterval(Duration.ofSeconds(2)).build();
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store, HttpSettings settings) {
        return WebSocketsRedis.builder(store).settings(settings).pingInterval(Duration.ofSeconds(2)).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return new WebSocketsRedisClient(base);
    }

    @Override
    protected String subscribePath(String channel) {
        return "channels/" + channel + "/ws";
    }
}
