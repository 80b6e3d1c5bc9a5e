package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.DocsPageContract;
import java.net.URI;
import java.util.List;

/**
 * docs/long-polling-broker.md: its java blocks are {@code LongPollingBrokerExample}'s (run over a real {@code
 * redis-server} by the examples' {@code ExampleMainsIT}), and a node's handler mounts under a prefix.
 */
class LongPollingBrokerDocsTest extends DocsPageContract {

    LongPollingBrokerDocsTest() {
        super("long-polling-broker", "LongPollingBrokerExample");
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return LongPollingBroker.builder(store, closeLater(new InJvmBroker())).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return LongPollingBrokerClient.create(List.of(base));
    }
}
