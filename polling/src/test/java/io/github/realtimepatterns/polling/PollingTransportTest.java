package io.github.realtimepatterns.polling;

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

/** The polling transport passes the shared transport contract, once: a poll waits for no change source. */
class PollingTransportTest extends TransportContract {

    protected static List<ChangeSourceKind> changeSourceKinds() {
        return List.of(ChangeSourceKind.NONE);
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store, Broker broker, ChangeSource changeSource,
                                         HttpSettings settings) {
        return Polling.builder(store).broker(broker).settings(settings).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return PollingClient.builder(base).interval(Duration.ofMillis(50)).build();
    }

    @Override
    protected String subscribePath(String channel) {
        return "channels/" + channel + "/messages";
    }
}
