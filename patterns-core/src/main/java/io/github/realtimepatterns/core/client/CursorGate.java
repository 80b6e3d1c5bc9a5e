package io.github.realtimepatterns.core.client;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import java.util.Objects;

/**
 * The client side of the cursor rule, shared by every transport's client: passes on each message whose
 * id is after the cursor, in order, once; reports resets; keeps the cursor. Transports feed it whatever
 * arrives (read answers, events, frames), duplicates included. Not thread-safe: one feeder at a time.
 */
public final class CursorGate {

    private static final System.Logger LOG = System.getLogger(CursorGate.class.getName());

    private final String channel;
    private final MessageListener listener;
    private volatile Cursor position;
    private volatile boolean closed;

    /**
     * A gate for {@code channel} starting at {@code from}.
     *
     * @param channel the channel's name
     * @param from where to start: the position after which messages are wanted
     * @param listener what is told of the messages
     */
    public CursorGate(String channel, Cursor from, MessageListener listener) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.position = Objects.requireNonNull(from, "from");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Where to resume: the last id passed on and its epoch.
     *
     * @return where to resume: the last id passed on and its epoch
     */
    public Cursor position() {
        return position;
    }

    /**
     * Passes on what {@code batch} adds after the cursor; a reset or truncation first goes to onReset.
     *
     * @param batch the messages, in id order
     */
    public void accept(ReadResult batch) {
        if (closed) {
            return;
        }
        if (!batch.honoured()) {
            position = Cursor.of(batch.epoch(), batch.reset() ? batch.cursor() : position.after());
            if (batch.truncated() && !batch.messages().isEmpty()) {
                position = Cursor.of(batch.epoch(), batch.messages().get(0).id() - 1);
            }
            safely(() -> listener.onReset(channel, batch));
        }
        for (Message m : batch.messages()) {
            offer(batch.epoch(), m);
        }
        Cursor p = position;
        if (batch.messages().isEmpty() && batch.epoch() != null) {
            // An empty answer still tells the epoch and, from the head, where "now" is.
            long after = p.isHead() ? batch.cursor() : Math.max(p.after(), batch.cursor());
            position = Cursor.of(batch.epoch(), after);
        }
    }

    /**
     * Passes on one message if its id is the next after the cursor's or later; ignores older ones.
     *
     * @param epoch the epoch of the channel's stream
     * @param message the message
     */
    public void offer(String epoch, Message message) {
        if (closed) {
            return;
        }
        Cursor p = position;
        if (!p.isHead() && message.id() <= p.after()) {
            return; // already delivered: a duplicate after a reconnect
        }
        position = Cursor.of(epoch != null ? epoch : p.epoch(), message.id());
        safely(() -> listener.onMessage(message));
    }

    /**
     * Passes a transient failure to the listener.
     *
     * @param error the failure
     */
    public void error(Throwable error) {
        if (!closed) {
            safely(() -> listener.onError(error));
        }
    }

    /** Stops passing anything on. */
    public void close() {
        closed = true;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return whether {@link #close()} was called
     */
    public boolean isClosed() {
        return closed;
    }

    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "listener of channel " + channel + " threw; it stays subscribed", e);
        }
    }
}
