package io.github.realtimepatterns.core.hub;

import io.github.realtimepatterns.core.ReadResult;

/**
 * Receives a channel's messages from a {@link ChannelHub}: each message once, in id order.
 *
 * <p>Calls for one subscriber come one at a time, on a hub thread (never an IO thread), and must not
 * block for long: hand the batch to your connection and return. A subscriber that throws is logged and
 * unsubscribed.
 */
public interface Subscriber {

    /**
     * The next batch. The first call answers the join read and may be empty (it tells the epoch and the
     * head); later batches are non-empty, or carry {@code reset}/{@code truncated} when the cursor could
     * not be honoured. {@link ReadResult#cursor()} is the subscriber's new position.
     *
     * @param batch the messages, in id order
     */
    void onBatch(ReadResult batch);

    /**
     * Whether to keep sending. When it answers {@code false} after a batch, the hub pauses this
     * subscriber (live messages are held back in the store, not in memory) until
     * {@link HubSubscription#resume()} is called. The default never pauses.
     *
     * @return whether to keep sending
     */
    default boolean wantsMore() {
        return true;
    }

    /**
     * The hub ended this subscription: {@code cause} is {@code null} when the hub shut down, or the
     * failure (a {@link io.github.realtimepatterns.core.StoreException} when the store could not be read at
     * join). Not called when the subscriber closed its own {@link HubSubscription}.
     *
     * @param cause the underlying failure
     */
    default void onClose(Throwable cause) {
    }
}
