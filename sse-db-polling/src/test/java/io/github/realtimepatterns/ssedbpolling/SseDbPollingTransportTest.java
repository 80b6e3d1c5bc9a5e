package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.TransportContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.time.Duration;

/** The transport contract, run over event streams and every change source. */
class SseDbPollingTransportTest extends TransportContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store, Broker broker, ChangeSource changeSource,
                                         HttpSettings settings) {
        return SseDbPolling.builder(store).broker(broker).changeSource(changeSource).settings(settings)
                .heartbeat(Duration.ofSeconds(1)).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return SseClient.create(base);
    }

    @Override
    protected String subscribePath(String channel) {
        return "channels/" + channel + "/events";
    }
}
