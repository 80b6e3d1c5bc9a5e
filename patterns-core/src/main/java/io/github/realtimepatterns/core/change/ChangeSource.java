package io.github.realtimepatterns.core.change;

/**
 * How a node hears that channels have new messages: a {@link io.github.realtimepatterns.core.broker.Broker}'s notifications, or a
 * {@link StorePoller} that reads the store on an interval.
 *
 * <p>Thread-safe. Subscriptions are independent: closing one does not affect others on the same
 * channel. A source may share one upstream subscription per channel among all its listeners
 * (reference-counted). {@link #close()} ends every subscription and is idempotent.
 */
public interface ChangeSource extends AutoCloseable {

    /**
     * Starts delivering changes of {@code channel} to {@code listener}. Delivery may start a little after
     * this returns (a Redis SUBSCRIBE is confirmed asynchronously); the source then calls
     * {@link ChangeListener#onResync()} so the listener can re-read what it may have missed.
     *
     * @param channel the channel's name
     * @param listener what is told of the messages
     * @return the subscription; close it to stop
     */
    Subscription subscribe(String channel, ChangeListener listener);

    /**
     * Whether the source is connected and delivering (for health checks).
     *
     * @return whether the source is connected and delivering (for health checks)
     */
    default boolean isHealthy() {
        return true;
    }

    /**
     * A short human-readable name ("in-JVM broker", "Redis at 127.0.0.1:6379", "store poller every 500ms").
     *
     * @return a short human-readable name ("in-JVM broker", "Redis at 127.0.0.1:6379", "store poller every 500ms")
     */
    default String describe() {
        return getClass().getSimpleName();
    }

    /** Ends every subscription; idempotent. */
    @Override
    void close();
}
