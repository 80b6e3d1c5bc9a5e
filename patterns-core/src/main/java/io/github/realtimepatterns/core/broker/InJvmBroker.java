package io.github.realtimepatterns.core.broker;

import io.github.realtimepatterns.core.change.ChangeListener;
import io.github.realtimepatterns.core.change.Subscription;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Message;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The broker for one node: {@link #publish} calls the channel's listeners at once, on the publishing
 * thread. Listeners must return quickly (the hub only queues the message). A listener that throws is
 * logged and keeps its subscription. Thread-safe.
 */
public final class InJvmBroker implements Broker {

    private static final System.Logger LOG = System.getLogger(InJvmBroker.class.getName());

    private final ConcurrentHashMap<String, Set<Entry>> listeners = new ConcurrentHashMap<>();
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
        Set<Entry> entries = listeners.get(message.channel());
        if (entries == null) {
            return;
        }
        for (Entry entry : entries) {
            try {
                entry.listener.onMessage(message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "listener of channel " + message.channel()
                        + " threw on message " + message.id() + "; it stays subscribed", e);
            }
        }
    }

    @Override
    public Subscription subscribe(String channel, ChangeListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("broker is closed");
        }
        Entry entry = new Entry(channel, listener);
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArraySet<>()).add(entry);
        return entry;
    }

    /** Number of channels with at least one subscriber. */
    public int channelCount() {
        return listeners.size();
    }

    @Override
    public String describe() {
        return "in-JVM broker";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            listeners.clear();
        }
    }

    private final class Entry implements Subscription {
        final String channel;
        final ChangeListener listener;
        final AtomicBoolean open = new AtomicBoolean(true);

        Entry(String channel, ChangeListener listener) {
            this.channel = channel;
            this.listener = listener;
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                listeners.computeIfPresent(channel, (c, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }
}
