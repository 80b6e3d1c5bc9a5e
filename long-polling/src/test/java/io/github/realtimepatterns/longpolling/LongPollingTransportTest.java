package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.TransportContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.time.Duration;

/** The long-polling transport passes the shared transport contract. */
class LongPollingTransportTest extends TransportContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return LongPolling.builder(store).timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store, HttpSettings settings) {
        return LongPolling.builder(store).settings(settings).timeout(Duration.ofSeconds(5)).build();
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
