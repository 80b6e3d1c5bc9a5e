package io.github.realtimepatterns.core.connection;

import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.hub.Subscriber;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ConduitStreamSinkChannel;

/**
 * One connection's bounded send queue and its slow-consumer policy, the same for every push transport.
 *
 * <p>Any thread may {@link #send} (a hub thread hands over a batch's bytes, the IO thread a heartbeat);
 * only the connection's IO thread writes, non-blocking, in gathering writes of up to 64 buffers, and goes
 * on from the sink's write listener when the socket is full. The queue counts messages and bytes from
 * {@link #send} until they are written, and applies {@link SendLimits}:
 * <ol>
 *   <li>at the high-water mark, {@link #wantsMore(HubSubscription)} answers false, so the hub pauses that
 *       subscription (its messages wait in the store, not here);</li>
 *   <li>once drained to the low-water mark, every paused subscription resumes;</li>
 *   <li>a send that finds the queue past the hard bound, or a socket that takes no byte for the stall
 *       timeout while bytes wait, makes the outbox give up: it calls {@link Listener#cutOff} once, and the
 *       transport ends the connection with its own signal (a WebSocket close 1013, the end of an event
 *       stream). The client resumes from its cursor.</li>
 * </ol>
 * Buffers are shared, not copied: {@link #send} takes a duplicate of each, so one encoded batch can go to
 * every connection. Thread-safe.
 */
public final class Outbox {

    /** Why an outbox gave up on its client. */
    public enum CutOff {
        /** A send found the queue past its hard bound. */
        OVERFLOW,
        /** The socket took no byte for the stall timeout while bytes waited. */
        STALLED
    }

    /** What the transport does when its outbox gives up or fails. */
    public interface Listener {
        /**
         * The client reads too slowly: end the connection with the transport's own signal. Called once, on
         * the thread that found out (a hub thread or the IO thread); must not block.
         *
         * @param why the reason, for the transport and the log
         */
        void cutOff(CutOff why);

        /**
         * A write failed (the client is gone); the outbox has dropped what was queued. On the IO thread.
         *
         * @param cause the underlying failure
         */
        void writeFailed(IOException cause);
    }

    /** Most buffers in one gathering write. */
    private static final int GATHER = 64;
    /** Each IO thread's scratch array for gathering writes. */
    private static final ThreadLocal<ByteBuffer[]> BATCH = ThreadLocal.withInitial(() -> new ByteBuffer[GATHER]);

    private record Entry(ByteBuffer bytes, int messages, int size, boolean last, Runnable afterWritten) {
    }

    private final Outboxes owner;
    private final SendLimits limits;
    private final XnioIoThread io;
    private final StreamSinkChannel sink;
    private final Listener listener;
    private final ChannelListener<? super ConduitStreamSinkChannel> previous;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Set<HubSubscription> paused = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean gaveUp = new AtomicBoolean();
    private final Runnable flushTask = this::flush;
    private final Runnable stallCheck = this::checkStall;
    private final long stallNanos;
    private volatile boolean closed;
    private volatile long lastWrite = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
    // IO thread only:
    private final ArrayDeque<Entry> writing = new ArrayDeque<>();
    private boolean lastTaken; // the last entry is taken: nothing after it is written
    private boolean blocked; // the socket is full: the write listener goes on
    private long stuckSince; // nanoTime since when bytes wait and the socket took none; 0 when not stuck
    private boolean stallArmed;

    @SuppressWarnings("unchecked")
    Outbox(Outboxes owner, XnioIoThread io, StreamSinkChannel sink, Listener listener) {
        this.owner = owner;
        this.limits = owner.limits();
        this.io = io;
        this.sink = sink;
        this.listener = listener;
        this.stallNanos = limits.stallTimeout().toNanos();
        this.previous = sink instanceof ConduitStreamSinkChannel conduit ? conduit.getWriteListener() : null;
        ChannelListener<StreamSinkChannel> onWritable = ch -> {
            pump();
            if (!blocked && previous != null) {
                ChannelListeners.invokeChannelListener((ConduitStreamSinkChannel) ch, previous);
            }
        };
        ((ChannelListener.Setter<StreamSinkChannel>) sink.getWriteSetter()).set(onWritable);
    }

    /**
     * Queues {@code parts} (in order, whole) carrying {@code messages} messages; shared buffers, whose
     * position this does not change.
     *
     * @param messages the messages
     * @param parts the buffers to write, in order
     * @return false when nothing was queued: the outbox is closed or finished, it gave up on this client
     *         already, or the queue was past its hard bound (then the outbox gives up and tells its listener)
     */
    public boolean send(int messages, ByteBuffer... parts) {
        // Once cut off, nothing more is queued, even if the IO thread has drained some of the backlog since.
        if (finished.get() || gaveUp.get()) {
            return false;
        }
        if (queuedMessages.get() > limits.maxQueuedMessages() || queuedBytes.get() > limits.maxQueuedBytes()) {
            giveUp(CutOff.OVERFLOW);
            return false;
        }
        long size = 0;
        for (ByteBuffer part : parts) {
            size += part.remaining();
        }
        queuedMessages.addAndGet(messages);
        queuedBytes.addAndGet(size);
        for (int i = 0; i < parts.length; i++) {
            // The messages count goes with the last part, so it is released once all of them are written.
            ByteBuffer bytes = parts[i].duplicate();
            queue.add(new Entry(bytes, i == parts.length - 1 ? messages : 0, bytes.remaining(), false, null));
        }
        schedule();
        return true;
    }

    /**
     * Queues {@code bytes} as the last thing written (a close frame, say), never refused by the bound, and
     * then runs {@code afterWritten} (when not null) on the IO thread; later sends are refused. Once only.
     *
     * @param bytes the number of bytes
     * @param afterWritten what to run once the bytes are written
     * @return false when the outbox was already finished or closed
     */
    public boolean sendLast(ByteBuffer bytes, Runnable afterWritten) {
        if (closed || !finished.compareAndSet(false, true)) {
            return false;
        }
        ByteBuffer mine = bytes.duplicate();
        queuedBytes.addAndGet(mine.remaining());
        queue.add(new Entry(mine, 0, mine.remaining(), true, afterWritten));
        schedule();
        return true;
    }

    /**
     * Flow control for a hub subscription feeding this outbox, for {@link Subscriber#wantsMore()}: false
     * (and {@code subscription} is resumed once the queue drains to the low-water mark) when the queue is
     * at its high-water mark. True for a {@code null} subscription (not known yet) and once closed.
     *
     * @param subscription the subscription
     * @return whether the subscription may be sent more now
     */
    public boolean wantsMore(HubSubscription subscription) {
        if (subscription == null || closed || !overHighWater()) {
            return true;
        }
        paused.add(subscription);
        if (!overHighWater()) {
            // Drained while pausing: the resume may have run before the add, so do not pause at all.
            paused.remove(subscription);
            return true;
        }
        return false;
    }

    /**
     * Forgets {@code subscription} (it was closed): it is not resumed.
     *
     * @param subscription the subscription
     */
    public void forget(HubSubscription subscription) {
        paused.remove(subscription);
    }

    /** Drops what is queued and writes nothing more; idempotent. The transport closes its connection. */
    public void close() {
        closed = true;
        finished.set(true);
        queue.clear();
        paused.clear();
        queuedMessages.set(0);
        queuedBytes.set(0);
    }

    /**
     * Whether nothing waits to be written (a heartbeat is due only then).
     *
     * @return whether nothing waits to be written (a heartbeat is due only then)
     */
    public boolean isEmpty() {
        return queuedBytes.get() == 0;
    }

    /**
     * Messages queued and not yet written.
     *
     * @return messages queued and not yet written
     */
    public int queuedMessages() {
        return queuedMessages.get();
    }

    /**
     * Bytes queued and not yet written.
     *
     * @return bytes queued and not yet written
     */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    private boolean overHighWater() {
        return queuedMessages.get() >= limits.highWaterMessages() || queuedBytes.get() >= limits.highWaterBytes();
    }

    private void giveUp(CutOff why) {
        if (!closed && gaveUp.compareAndSet(false, true)) {
            listener.cutOff(why);
        }
    }

    private void schedule() {
        if (!flushScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            long wait = lastWrite + owner.coalesceNanos() - System.nanoTime();
            if (owner.coalesceNanos() == 0 || wait <= 0) {
                owner.wakeups().schedule(io, flushTask);
            } else {
                // Wrote recently: this connection is busy, so let a few buffers gather for one write.
                io.executeAfter(flushTask, wait, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            // The server is stopping its IO threads: nothing can be written any more.
            close();
            listener.writeFailed(new IOException("the IO thread is stopping", e));
        }
    }

    private void flush() {
        flushScheduled.set(false);
        if (!blocked) {
            pump(); // otherwise the write listener goes on when the socket takes more
        }
    }

    /** Writes what is queued until the queue is empty or the socket is full; IO thread only. */
    private void pump() {
        if (closed) {
            return;
        }
        ByteBuffer[] batch = BATCH.get();
        try {
            while (!closed) {
                while (writing.size() < GATHER && !lastTaken) {
                    Entry next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    writing.addLast(next);
                    lastTaken = next.last;
                }
                if (writing.isEmpty()) {
                    if (!sink.flush()) {
                        waitForSocket();
                        return;
                    }
                    blocked = false;
                    stuckSince = 0;
                    if (previous == null) {
                        sink.suspendWrites();
                    }
                    resumeIfDrained();
                    return;
                }
                int n = 0;
                for (Entry e : writing) {
                    batch[n++] = e.bytes;
                }
                long wrote = sink.write(batch, 0, n);
                Arrays.fill(batch, 0, n, null);
                if (wrote > 0) {
                    lastWrite = System.nanoTime();
                    if (stuckSince != 0) {
                        stuckSince = lastWrite;
                    }
                }
                Entry done;
                while ((done = writing.peekFirst()) != null && !done.bytes.hasRemaining()) {
                    writing.pollFirst();
                    queuedMessages.addAndGet(-done.messages);
                    queuedBytes.addAndGet(-done.size);
                    if (done.last) {
                        sink.flush();
                        if (done.afterWritten != null) {
                            done.afterWritten.run();
                        }
                        return;
                    }
                }
                resumeIfDrained();
                if (!writing.isEmpty()) {
                    waitForSocket();
                    return;
                }
            }
        } catch (IOException e) {
            Arrays.fill(batch, null);
            close();
            listener.writeFailed(e);
        }
    }

    /** The socket is full: go on from the write listener, and start the stall clock. */
    private void waitForSocket() {
        blocked = true;
        if (stuckSince == 0) {
            stuckSince = System.nanoTime();
        }
        if (!stallArmed) {
            stallArmed = true;
            io.executeAfter(stallCheck, stallNanos, TimeUnit.NANOSECONDS);
        }
        sink.resumeWrites();
    }

    private void checkStall() {
        stallArmed = false;
        if (closed || stuckSince == 0) {
            return;
        }
        long stuck = System.nanoTime() - stuckSince;
        if (stuck >= stallNanos) {
            giveUp(CutOff.STALLED);
        } else {
            stallArmed = true;
            io.executeAfter(stallCheck, stallNanos - stuck, TimeUnit.NANOSECONDS);
        }
    }

    private void resumeIfDrained() {
        if (!paused.isEmpty() && queuedMessages.get() <= limits.lowWaterMessages()
                && queuedBytes.get() <= limits.lowWaterBytes()) {
            for (HubSubscription sub : paused) {
                if (paused.remove(sub)) {
                    sub.resume();
                }
            }
        }
    }
}
