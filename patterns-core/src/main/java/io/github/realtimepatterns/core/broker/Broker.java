package io.github.realtimepatterns.core.broker;

import io.github.realtimepatterns.core.change.ChangeSource;

import io.github.realtimepatterns.core.Message;

/**
 * A change source that nodes also publish to: the publishing node tells every node (itself included)
 * that a message was stored. The broker only wakes nodes up; it stores nothing, and a lost notification
 * costs latency, never data, because the store is the truth.
 *
 * <p>Thread-safe. Implementations: {@link InJvmBroker} (one node) and {@link RedisBroker} (Redis Pub/Sub).
 */
public interface Broker extends ChangeSource {

    /**
     * Notifies every subscriber of {@code message.channel()} on every node. Called after the message is
     * committed to the store.
     *
     * @param message the message
     * @throws io.github.realtimepatterns.core.BrokerException quickly when the broker cannot be reached;
     *         the message is already stored, so subscribers still get it from their cursor
     */
    void publish(Message message);

    /**
     * Number of publishes that failed because the broker was unreachable.
     *
     * @return number of publishes that failed because the broker was unreachable
     */
    default long failedPublishes() {
        return 0;
    }
}
