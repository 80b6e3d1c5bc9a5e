package io.github.realtimepatterns.core.store;

import java.time.Clock;

class InMemoryMessageStoreTest extends MessageStoreContract {

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.inMemory(retention, clock);
    }
}
