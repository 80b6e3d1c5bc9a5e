package io.github.realtimepatterns.core.store;

import java.time.Clock;

/** Creates the stores this library ships. */
public final class MessageStores {

    private MessageStores() {
    }

    /** An in-memory store with {@link Retention#DEFAULT}. Nothing survives the JVM. */
    public static MessageStore inMemory() {
        return inMemory(Retention.DEFAULT);
    }

    /** An in-memory store with {@code retention}. */
    public static MessageStore inMemory(Retention retention) {
        return new InMemoryMessageStore(retention, Clock.systemUTC());
    }

    /** An in-memory store with {@code retention}, aging messages by {@code clock} (for tests). */
    public static MessageStore inMemory(Retention retention, Clock clock) {
        return new InMemoryMessageStore(retention, clock);
    }
}
