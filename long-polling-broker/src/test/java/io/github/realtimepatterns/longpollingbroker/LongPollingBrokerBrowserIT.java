package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.BrowserClientContract;
import java.time.Duration;

/**
 * {@code long-polling-broker.js} (the long-polling client, served by a node) in headless Chromium: resumes
 * from its cursor after a restart, follows resets and truncations.
 */
class LongPollingBrokerBrowserIT extends BrowserClientContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return LongPollingBroker.builder(store, new InJvmBroker()).timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected String script() {
        return "/realtime/long-polling-broker.js";
    }
}
