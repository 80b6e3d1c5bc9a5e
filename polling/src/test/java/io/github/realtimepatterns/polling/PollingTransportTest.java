package io.github.realtimepatterns.polling;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.TransportContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.time.Duration;

/** The polling transport passes the shared transport contract. */
class PollingTransportTest extends TransportContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return Polling.builder(store).build();
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store, HttpSettings settings) {
        return Polling.builder(store).settings(settings).build();
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
