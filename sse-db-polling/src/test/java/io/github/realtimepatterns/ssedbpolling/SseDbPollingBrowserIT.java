package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.BrowserClientContract;
import java.time.Duration;

/**
 * {@code sse-db-polling.js} on {@code EventSource} in headless Chromium: resumes from its cursor after a
 * restart, follows resets and truncations.
 */
class SseDbPollingBrowserIT extends BrowserClientContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return SseDbPolling.builder(store).pollInterval(Duration.ofMillis(50)).heartbeat(Duration.ofSeconds(1)).build();
    }

    @Override
    protected String script() {
        return "/realtime/sse-db-polling.js";
    }
}
