package io.github.realtimepatterns.core.change;

/** An active subscription to a {@link ChangeSource}. {@link #close()} is idempotent and thread-safe. */
public interface Subscription extends AutoCloseable {

    /**
     * The channel subscribed to.
     *
     * @return the channel subscribed to
     */
    String channel();

    /** Stops delivery to this subscription's listener; later notifications are not delivered to it. */
    @Override
    void close();
}
