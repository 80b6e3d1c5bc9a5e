package io.github.realtimepatterns.core.hub;

import io.github.realtimepatterns.core.Cursor;

/** A subscriber's place in a {@link ChannelHub}. Thread-safe. */
public interface HubSubscription extends AutoCloseable {

    /**
     * The channel subscribed to.
     *
     * @return the channel subscribed to
     */
    String channel();

    /**
     * The epoch and id of the last batch delivered (the join cursor until the join read is done).
     *
     * @return the epoch and id of the last batch delivered (the join cursor until the join read is done)
     */
    Cursor position();

    /** Continues delivery after the subscriber answered {@link Subscriber#wantsMore()} {@code false}. */
    void resume();

    /** Leaves the channel; no batch is delivered after this returns... except one already running. Idempotent. */
    @Override
    void close();
}
