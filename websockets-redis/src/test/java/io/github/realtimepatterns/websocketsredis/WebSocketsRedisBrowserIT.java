package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.BrowserClientContract;
import java.time.Duration;

/**
 * {@code websockets-redis.js} in headless Chromium: resumes from its cursor after a restart, follows resets
 * and truncations.
 */
class WebSocketsRedisBrowserIT extends BrowserClientContract {

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return WebSocketsRedis.builder(store).pingInterval(Duration.ofSeconds(2)).build();
    }

    @Override
    protected String script() {
        return "/realtime/websockets-redis.js";
    }
}
