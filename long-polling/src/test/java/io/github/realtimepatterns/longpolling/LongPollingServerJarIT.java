package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.ServerJarContract;
import java.net.URI;

/** {@code long-polling-server.jar} runs on its own and serves the long-polling client. */
class LongPollingServerJarIT extends ServerJarContract {

    @Override
    protected String module() {
        return "long-polling";
    }

    @Override
    protected RealtimeClient client(URI base) {
        return LongPollingClient.builder(base).build();
    }
}
