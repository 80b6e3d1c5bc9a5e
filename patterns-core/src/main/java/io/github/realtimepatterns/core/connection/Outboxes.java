package io.github.realtimepatterns.core.connection;

import java.time.Duration;
import java.util.Objects;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * The outboxes of one handler: the {@link SendLimits} they share, their write coalescing, and the IO-thread
 * wake-ups they share (a fan-out to many connections wakes each IO thread once, not once per connection).
 * Thread-safe; holds no per-connection state, so it needs no closing.
 */
public final class Outboxes {

    private final SendLimits limits;
    private final long coalesceNanos;
    private final IoWakeups wakeups = new IoWakeups();

    /**
     * Outboxes with {@code limits} that write what is queued at once.
     *
     * @param limits the limits
     * @throws IllegalArgumentException when the limits do not fit together
     */
    public Outboxes(SendLimits limits) {
        this(limits, Duration.ZERO);
    }

    /**
     * Outboxes with {@code limits} whose connections, when they wrote less than {@code writeCoalescing} ago,
     * wait until that long after their last write, so that frames arriving meanwhile go out in one write.
     *
     * @param limits the limits
     * @param writeCoalescing the write coalescing
     * @throws IllegalArgumentException when the limits do not fit together or the window is negative
     */
    public Outboxes(SendLimits limits, Duration writeCoalescing) {
        this.limits = Objects.requireNonNull(limits, "limits").validate();
        Objects.requireNonNull(writeCoalescing, "writeCoalescing");
        if (writeCoalescing.isNegative()) {
            throw new IllegalArgumentException("writeCoalescing must be >= 0 but was " + writeCoalescing);
        }
        this.coalesceNanos = writeCoalescing.toNanos();
    }

    /**
     * An outbox writing to {@code sink}, whose IO thread is {@code io}; call it on that IO thread. It takes
     * over {@code sink}'s write listener (a listener already set there runs after it whenever the outbox has
     * nothing left to write).
     *
     * @param io the connection's IO thread
     * @param sink what receives the output
     * @param listener what is told of the messages
     * @return an outbox writing to {@code sink}, whose IO thread is {@code io}; call it on that IO thread
     */
    public Outbox open(XnioIoThread io, StreamSinkChannel sink, Outbox.Listener listener) {
        return new Outbox(this, io, sink, listener);
    }

    /**
     * The limits every outbox of this handler applies.
     *
     * @return the limits every outbox of this handler applies
     */
    public SendLimits limits() {
        return limits;
    }

    long coalesceNanos() {
        return coalesceNanos;
    }

    IoWakeups wakeups() {
        return wakeups;
    }
}
