package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.TransportContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.time.Duration;

/** The long-polling transport passes the shared transport contract over every change source. */
class LongPollingTransportTest extends TransportContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store, Broker broker, ChangeSource changeSource,
                                         HttpSettings settings) {
        return LongPolling.builder(store).broker(broker).changeSource(changeSource).settings(settings)
                .timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return LongPollingClient.builder(base).wait(Duration.ofSeconds(5)).build();
    }

    @Override
    protected String subscribePath(String channel) {
        return "channels/" + channel + "/messages";
    }
}
