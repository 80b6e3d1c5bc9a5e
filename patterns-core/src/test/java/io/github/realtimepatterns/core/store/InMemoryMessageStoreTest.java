package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Message;
import java.time.Clock;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class InMemoryMessageStoreTest extends MessageStoreContract {

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.inMemory(retention, clock);
    }

    @Override
    protected OptionalLong channelsHeld(MessageStore store) {
        return OptionalLong.of(((InMemoryMessageStore) store).channelCount());
    }

    @Test
    void aKeyIsForgottenOnceItsMessageIsNotAmongTheNewestOfItsChannel() {
        MessageStore store = store(Retention.ofMessages(100));
        Message first = store.append("c", "1", "k").message();
        for (int i = 1; i < MessageStore.IDEMPOTENCY_KEYS_PER_CHANNEL; i++) {
            store.append("c", "2", i % 2 == 0 ? null : "other-" + i);
        }
        assertThat(store.append("c", "1", "k").message()).isEqualTo(first);
        store.append("c", "2");
        assertThat(store.append("c", "1", "k").stored()).isTrue();
    }
}
