package io.github.realtimepatterns.core.client;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;

/**
 * Receives a subscription's messages: each once, in id order, one call at a time on a client thread.
 * A listener that throws is logged by the client and keeps its subscription.
 */
@FunctionalInterface
public interface MessageListener {

    /**
     * The next message.
     *
     * @param message the message
     */
    void onMessage(Message message);

    /**
     * The server could not honour the cursor: {@code batch.reset()} (the store was reset; the cursor
     * moved to the new head) or {@code batch.truncated()} (messages were trimmed by retention). Called
     * before the batch's messages, if any, go to {@link #onMessage}.
     *
     * @param channel the channel's name
     * @param batch the messages, in id order
     */
    default void onReset(String channel, ReadResult batch) {
    }

    /**
     * A transient failure; the client retries with backoff from its cursor.
     *
     * @param error the failure
     */
    default void onError(Throwable error) {
    }
}
