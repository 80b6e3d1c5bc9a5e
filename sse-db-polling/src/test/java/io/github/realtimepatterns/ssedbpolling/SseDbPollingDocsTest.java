package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.DocsPageContract;
import java.net.URI;
import java.time.Duration;

/** docs/sse-db-polling.md: its java blocks are {@code SseDbPollingExample}'s, and its handler mounts under a prefix. */
class SseDbPollingDocsTest extends DocsPageContract {

    SseDbPollingDocsTest() {
        super("sse-db-polling", "SseDbPollingExample");
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return SseDbPolling.builder(store).pollInterval(Duration.ofMillis(50)).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return SseClient.create(base);
    }
}
