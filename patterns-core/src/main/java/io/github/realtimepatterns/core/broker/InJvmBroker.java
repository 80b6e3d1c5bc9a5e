package io.github.realtimepatterns.core.broker;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.change.ChangeListener;
import io.github.realtimepatterns.core.change.ListenerRegistry;
import io.github.realtimepatterns.core.change.Subscription;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The broker for one node: {@link #publish} calls the channel's listeners at once, on the publishing
 * thread. Listeners must return quickly (the hub only queues the message). A listener that throws is
 * logged and keeps its subscription. Thread-safe.
 */
public final class InJvmBroker implements Broker {

    private final ListenerRegistry<Void> listeners = ListenerRegistry.of(InJvmBroker.class);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A broker with no subscribers yet. */
    public InJvmBroker() {
    }

    @Override
    public void publish(Message message) {
        Objects.requireNonNull(message, "message");
        if (closed.get()) {
            return;
        }
        listeners.deliver(message.channel(), message);
    }

    @Override
    public Subscription subscribe(String channel, ChangeListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("broker is closed");
        }
        return listeners.add(channel, listener);
    }

    /**
     * Number of channels with at least one subscriber.
     *
     * @return number of channels with at least one subscriber
     */
    public int channelCount() {
        return listeners.channelCount();
    }

    @Override
    public String describe() {
        return "in-JVM broker";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            listeners.close();
        }
    }
}
