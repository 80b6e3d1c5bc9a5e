package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.TransportContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.time.Duration;

/** The transport contract, run over WebSockets and every change source. */
class WebSocketsRedisTransportTest extends TransportContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store, Broker broker, ChangeSource changeSource,
                                         HttpSettings settings) {
        return WebSocketsRedis.builder(store).broker(broker).changeSource(changeSource).settings(settings)
                .pingInterval(Duration.ofSeconds(2)).build();
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
