package io.github.realtimepatterns.core.change;

import io.github.realtimepatterns.core.Message;

/**
 * Hears that a channel has new messages.
 *
 * <p>Calls for one subscription come one at a time. They may come on a broker's own thread: return
 * quickly, never block. A listener that throws is logged by the source and keeps its subscription.
 */
public interface ChangeListener {

    /**
     * A message was stored. Notifications are at-most-once and may arrive late, twice or with gaps in
     * ids; the receiver de-duplicates by id and reads the store when it sees a gap.
     *
     * @param message the message
     */
    void onMessage(Message message);

    /**
     * Notifications for this channel may have been lost (the source (re)connected or (re)subscribed):
     * re-read the store from the last id you know. Called after the subscription is live again.
     */
    default void onResync() {
    }
}
