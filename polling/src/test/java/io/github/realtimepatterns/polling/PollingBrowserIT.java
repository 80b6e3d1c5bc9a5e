package io.github.realtimepatterns.polling;

import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.BrowserClientContract;

/**
 * {@code polling.js} in headless Chromium: resumes from its cursor after a restart, follows resets and
 * truncations.
 */
class PollingBrowserIT extends BrowserClientContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return Polling.builder(store).build();
    }

    @Override
    protected String script() {
        return "/realtime/polling.js";
    }
}
