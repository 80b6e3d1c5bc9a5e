package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.ServerJarContract;
import java.net.URI;

/** {@code sse-db-polling-server.jar} runs on its own and serves the SSE client. */
class SseDbPollingServerJarIT extends ServerJarContract {

    @Override
    protected String module() {
        return "sse-db-polling";
    }

    @Override
    protected RealtimeClient client(URI base) {
        return SseClient.builder(base).build();
    }
}
