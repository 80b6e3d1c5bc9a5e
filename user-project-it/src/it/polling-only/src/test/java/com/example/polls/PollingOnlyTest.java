package com.example.polls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.polling.Polling;
import io.github.realtimepatterns.polling.PollingClient;
import io.github.realtimepatterns.polling.PollingHandler;
import org.junit.jupiter.api.Test;

/** A polling user's class path has what polling needs and no Redis client. */
class PollingOnlyTest {

    @Test
    void noRedisClientComesWithThePollingModule() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("redis.clients.jedis.UnifiedJedis"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.commons.pool2.ObjectPool"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.postgresql.Driver"));
    }

    @Test
    void pollingWorksOverTheEmbeddedStore() {
        try (MessageStore store = MessageStores.h2InMemory();
             PollingHandler handler = Polling.builder(store).build();
             PatternServer server = PatternServer.start(handler, 0);
             PollingClient client = PollingClient.builder(server.uri()).build()) {
            assertEquals(1, client.publish("votes", "{\"yes\":1}").id());
            assertEquals(1, handler.service().read("votes", Cursor.after(0), 10).messages().size());
        }
    }
}
