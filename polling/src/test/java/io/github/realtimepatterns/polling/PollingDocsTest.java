package io.github.realtimepatterns.polling;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.DocsPageContract;
import java.net.URI;
import java.time.Duration;

/** docs/polling.md: its java blocks are {@code PollingExample}'s, and its handler mounts under a prefix. */
class PollingDocsTest extends DocsPageContract {

    PollingDocsTest() {
        super("polling", "PollingExample");
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return Polling.builder(store).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return PollingClient.builder(base).interval(Duration.ofMillis(50)).build();
    }
}
