package io.github.realtimepatterns.core.change;

import io.github.realtimepatterns.core.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The listeners of one {@link ChangeSource}, per channel: what every source keeps the same way, so that
 * each one only decides where its notifications come from.
 *
 * <p>Reference-counted per channel: a channel is <em>listened</em> from its first open {@link Subscription}
 * until the last one is closed. The first one creates the channel's {@link Listeners} (with the state the
 * source keeps for it, from the factory, e.g. a poller's cursor); the last one's close drops both. A source
 * that must act on those two moments (send SUBSCRIBE or UNSUBSCRIBE) passes an interest callback, called
 * with the channel's name after the change, on the thread that made it, outside any lock.
 *
 * <p>Dispatch is safe: {@link #deliver} and {@link #resync} call every open listener of the channel, in
 * subscription order; one that throws (a {@link RuntimeException} or an {@link AssertionError}) is logged
 * and keeps its subscription, and the others are still called. A closed subscription is not called again,
 * even by a dispatch already under way.
 *
 * <p>Thread-safe. {@link #add} and {@link Subscription#close()} may be called from any thread. The registry
 * does not serialize dispatch: a listener's calls come one at a time when the source dispatches from one
 * thread (the Redis subscriber, the poller), and from each caller's thread otherwise (the in-JVM broker's
 * publishers). {@link #close()} ends every subscription; idempotent.
 *
 * @param <S> what the source keeps per listened channel ({@link Void} when nothing)
 */
public final class ListenerRegistry<S> {

    private final System.Logger log;
    private final String owner;
    private final Function<String, S> newState;
    private final Consumer<String> interestChanged;
    private final ConcurrentHashMap<String, Listeners<S>> channels = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ListenerRegistry(Class<?> owner, Function<String, S> newState, Consumer<String> interestChanged) {
        this.log = System.getLogger(Objects.requireNonNull(owner, "owner").getName());
        this.owner = owner.getSimpleName();
        this.newState = Objects.requireNonNull(newState, "newState");
        this.interestChanged = Objects.requireNonNull(interestChanged, "interestChanged");
    }

    /**
     * A registry for {@code owner}'s listeners (its logger reports listener failures), with no per-channel state.
     *
     * @param owner the class the resource and the log belong to
     * @return a registry for {@code owner}'s listeners (its logger reports listener failures), with no per-channel
     *         state
     */
    public static ListenerRegistry<Void> of(Class<?> owner) {
        return new ListenerRegistry<>(owner, channel -> null, channel -> { });
    }

    /**
     * A registry that calls {@code interestChanged} with the channel's name each time a channel gets its first
     * listener or loses its last one.
     *
     * @param owner the class the resource and the log belong to
     * @param interestChanged what to call with a channel's name when it gets its first listener or loses its last
     * @return a registry that calls {@code interestChanged} with the channel's name each time a channel gets its
     *         first listener or loses its last one
     */
    public static ListenerRegistry<Void> of(Class<?> owner, Consumer<String> interestChanged) {
        return new ListenerRegistry<>(owner, channel -> null, interestChanged);
    }

    /**
     * A registry that keeps {@code newState.apply(channel)} for each channel while it is listened.
     *
     * @param <S> the type of the state kept per channel
     * @param owner the class the resource and the log belong to
     * @param newState what makes the state kept for a channel while it is listened
     * @return a registry that keeps {@code newState.apply(channel)} for each channel while it is listened
     */
    public static <S> ListenerRegistry<S> withState(Class<?> owner, Function<String, S> newState) {
        return new ListenerRegistry<>(owner, newState, channel -> { });
    }

    /**
     * Adds {@code listener} to {@code channel} (neither checked here: the source validates the channel).
     *
     * @param channel the channel's name
     * @param listener what is told of the messages
     * @return the subscription; its {@code close()} removes the listener and is idempotent
     * @throws IllegalStateException once the registry is closed
     */
    public Subscription add(String channel, ChangeListener listener) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(listener, "listener");
        Registration registration = new Registration(channel, listener);
        boolean[] first = new boolean[1];
        channels.compute(channel, (name, existing) -> {
            if (closed.get()) {
                throw new IllegalStateException(owner + " is closed");
            }
            Listeners<S> group = existing;
            if (group == null) {
                group = new Listeners<>(this, name, newState.apply(name));
                first[0] = true;
            }
            registration.group = group;
            group.members.add(registration);
            return group;
        });
        if (first[0]) {
            interestChanged.accept(channel);
        }
        return registration;
    }

    /**
     * Calls {@code onMessage} on every open listener of {@code channel}; returns whether it had any.
     *
     * @param channel the channel's name
     * @param message the message
     * @return whether {@code channel} had any open listener
     */
    public boolean deliver(String channel, Message message) {
        Listeners<S> group = channels.get(channel);
        if (group == null) {
            return false;
        }
        group.deliver(message);
        return true;
    }

    /**
     * Calls {@code onResync} on every open listener of {@code channel}.
     *
     * @param channel the channel's name
     */
    public void resync(String channel) {
        Listeners<S> group = channels.get(channel);
        if (group != null) {
            group.resync();
        }
    }

    /**
     * What the source keeps for {@code channel}, or {@code null} when nobody listens to it (or it has no state).
     *
     * @param channel the channel's name
     * @return what the source keeps for {@code channel}, or {@code null} when nobody listens to it (or it has no
     *         state)
     */
    public S state(String channel) {
        Listeners<S> group = channels.get(channel);
        return group == null ? null : group.state();
    }

    /**
     * Whether {@code channel} has at least one open listener.
     *
     * @param channel the channel's name
     * @return whether {@code channel} has at least one open listener
     */
    public boolean isListened(String channel) {
        return channels.containsKey(channel);
    }

    /**
     * The channels listened now (a copy).
     *
     * @return the channels listened now (a copy)
     */
    public Set<String> channels() {
        return Set.copyOf(channels.keySet());
    }

    /**
     * The listeners of every listened channel now (a copy; each keeps its state), in no particular order.
     *
     * @return the listeners of every listened channel now (a copy; each keeps its state), in no particular order
     */
    public List<Listeners<S>> snapshot() {
        return new ArrayList<>(channels.values());
    }

    /**
     * Channels with at least one open listener.
     *
     * @return channels with at least one open listener
     */
    public int channelCount() {
        return channels.size();
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return whether {@link #close()} was called
     */
    public boolean isClosed() {
        return closed.get();
    }

    /** Closes every subscription (none is called again) and refuses new ones; idempotent. No interest callback. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Listeners<S> group : snapshot()) {
            for (Registration r : group.members) {
                r.open.set(false);
            }
        }
        channels.clear();
    }

    private void remove(Registration registration) {
        boolean[] last = new boolean[1];
        channels.computeIfPresent(registration.channel, (name, group) -> {
            if (group != registration.group) {
                return group; // a later generation of the channel: this one is already gone
            }
            group.members.remove(registration);
            if (group.members.isEmpty()) {
                last[0] = true;
                return null;
            }
            return group;
        });
        if (last[0] && !closed.get()) {
            interestChanged.accept(registration.channel);
        }
    }

    /**
     * The open listeners of one channel, and what the source keeps for it; one instance per listened period
     * (after the last listener left, a new subscription gets a new one, with new state). Thread-safe.
     *
     * @param <S> the source's per-channel state
     */
    public static final class Listeners<S> {
        private final ListenerRegistry<S> registry;
        private final String channel;
        private final S state;
        private final Set<ListenerRegistry<S>.Registration> members = new CopyOnWriteArraySet<>();

        private Listeners(ListenerRegistry<S> registry, String channel, S state) {
            this.registry = registry;
            this.channel = channel;
            this.state = state;
        }

        /**
         * The channel.
         *
         * @return the channel
         */
        public String channel() {
            return channel;
        }

        /**
         * What the source keeps for the channel while it is listened ({@code null} for a registry without state).
         *
         * @return what the source keeps for the channel while it is listened ({@code null} for a registry without
         *         state)
         */
        public S state() {
            return state;
        }

        /**
         * Open listeners now.
         *
         * @return open listeners now
         */
        public int size() {
            return members.size();
        }

        /**
         * Calls {@code onMessage} on every open listener; a listener that throws is logged and stays.
         *
         * @param message the message
         */
        public void deliver(Message message) {
            for (ListenerRegistry<S>.Registration r : members) {
                r.deliver(message);
            }
        }

        /** Calls {@code onResync} on every open listener; a listener that throws is logged and stays. */
        public void resync() {
            for (ListenerRegistry<S>.Registration r : members) {
                r.resync();
            }
        }

        @Override
        public String toString() {
            return registry.owner + " listeners of " + channel + " (" + members.size() + ")";
        }
    }

    private final class Registration implements Subscription {
        final String channel;
        final ChangeListener listener;
        final AtomicBoolean open = new AtomicBoolean(true);
        volatile Listeners<S> group; // set under the channel's lock in add(), before the registration is visible

        Registration(String channel, ChangeListener listener) {
            this.channel = channel;
            this.listener = listener;
        }

        void deliver(Message message) {
            if (!open.get()) {
                return;
            }
            try {
                listener.onMessage(message);
            } catch (RuntimeException | AssertionError e) {
                // Never let a listener's failure reach the source's thread: it would stop delivery for all.
                log.log(System.Logger.Level.WARNING, "listener of channel " + channel + " threw on message "
                        + message.id() + "; it stays subscribed", e);
            }
        }

        void resync() {
            if (!open.get()) {
                return;
            }
            try {
                listener.onResync();
            } catch (RuntimeException | AssertionError e) {
                log.log(System.Logger.Level.WARNING, "listener of channel " + channel
                        + " threw on resync; it stays subscribed", e);
            }
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                remove(this);
            }
        }
    }
}
