package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.BrowserClientContract;
import java.time.Duration;

/**
 * {@code long-polling.js} in headless Chromium: resumes from its cursor after a restart, follows resets and
 * truncations.
 */
class LongPollingBrowserIT extends BrowserClientContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return LongPolling.builder(store).timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected String script() {
        return "/realtime/long-polling.js";
    }
}
