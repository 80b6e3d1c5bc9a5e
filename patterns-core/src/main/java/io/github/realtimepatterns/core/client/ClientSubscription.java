package io.github.realtimepatterns.core.client;

import io.github.realtimepatterns.core.Cursor;

/** One channel followed by a {@link RealtimeClient}. Thread-safe. */
public interface ClientSubscription extends AutoCloseable {

    /**
     * The channel followed.
     *
     * @return the channel followed
     */
    String channel();

    /**
     * The epoch and id of the last message delivered (or where the subscription started).
     *
     * @return the epoch and id of the last message delivered (or where the subscription started)
     */
    Cursor position();

    /** Stops following the channel; no message is delivered after this returns. Idempotent. */
    @Override
    void close();
}
