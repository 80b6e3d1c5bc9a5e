package io.github.realtimepatterns.core.store;

import java.time.Clock;
import java.util.OptionalLong;

class InMemoryMessageStoreTest extends MessageStoreContract {

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.inMemory(retention, clock);
    }

    @Override
    protected OptionalLong channelsHeld(MessageStore store) {
        return OptionalLong.of(((InMemoryMessageStore) store).channelCount());
    }
}
