package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.TransportContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** One node of the pattern passes the shared transport contract over every change source. */
class LongPollingBrokerTransportTest extends TransportContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store, Broker broker, ChangeSource changeSource,
                                         HttpSettings settings) {
        return LongPollingBroker.builder(store, broker).changeSource(changeSource).settings(settings)
                .timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return LongPollingBrokerClient.builder(List.of(base)).wait(Duration.ofSeconds(5)).build();
    }

    @Override
    protected String subscribePath(String channel) {
        return "channels/" + channel + "/messages";
    }
}
