package io.github.realtimepatterns.polling;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.ServerJarContract;
import java.net.URI;
import java.time.Duration;

/** {@code polling-server.jar} runs on its own and serves the polling client. */
class PollingServerJarIT extends ServerJarContract {

    @Override
    protected String module() {
        return "polling";
    }

    @Override
    protected RealtimeClient client(URI base) {
        return PollingClient.builder(base).interval(Duration.ofMillis(100)).build();
    }
}
