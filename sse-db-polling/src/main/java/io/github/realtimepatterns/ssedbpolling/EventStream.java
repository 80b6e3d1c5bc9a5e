package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.hub.Subscriber;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One open event stream: a hub {@link Subscriber} on one side, the response channel on the other, and a
 * bounded queue between them.
 *
 * <p>The hub thread encodes and queues; only the connection's IO thread writes, non-blocking, with a write
 * listener when the socket is full. At the high-water mark (half the bounds) the stream tells the hub it
 * wants no more (the hub pauses it: live messages wait in the store, not here) and resumes it once the
 * queue drains, so the queue holds at most the high-water mark plus one hub batch. A batch arriving while
 * the queue is past the hard bound, or a socket that takes no byte for the stall timeout while events
 * wait, closes the connection; the client resumes from its cursor. A client that goes away is noticed at once: the stream
 * watches the connection for end-of-file.
 */
final class EventStream implements Subscriber {

    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());

    /** Why a stream ended, for the handler's counters. */
    enum End { CLIENT_GONE, CUT_OFF, STALLED, SERVER, WRITE_FAILED }

    /** The handler's side: limits, encoder, and what to tell it when a stream ends. */
    interface Owner {
        SseEvents events();

        IoWakeups wakeups();

        StreamLimits limits();

        void ended(EventStream stream, End why);
    }

    /** Queue bounds; high-water pauses, hard bound cuts off. */
    record StreamLimits(int maxMessages, long maxBytes, long stallNanos) {
        int highMessages() {
            return Math.max(1, maxMessages / 2);
        }

        long highBytes() {
            return Math.max(1, maxBytes / 2);
        }
    }

    private record Chunk(ByteBuffer bytes, int size, int messages) {
    }

    private final Owner owner;
    private final HttpServerExchange exchange;
    private final XnioIoThread io;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>(4);
    private final AtomicBoolean closed = new AtomicBoolean();
    private StreamSinkChannel sink; // IO thread only
    private int queuedMessages; // guarded by this
    private long queuedBytes; // guarded by this
    private boolean writing; // guarded by this: a pump is scheduled or waiting for the socket
    private boolean paused; // guarded by this: we answered wantsMore() false
    private long lastProgress; // guarded by this: nanoTime when bytes last moved or the queue was empty
    private boolean first = true; // hub thread only
    private volatile HubSubscription subscription;

    EventStream(Owner owner, HttpServerExchange exchange) {
        this.owner = owner;
        this.exchange = exchange;
        this.io = exchange.getIoThread();
        this.lastProgress = System.nanoTime();
    }

    /** Opens the response and queues {@code preamble}; on the exchange's IO thread. */
    void open(ByteBuffer preamble) throws IOException {
        ServerConnection connection = exchange.getConnection();
        connection.addCloseListener(c -> close(End.CLIENT_GONE));
        sink = exchange.getResponseChannel();
        sink.getWriteSetter().set(ch -> pump());
        watchForEndOfFile(connection);
        enqueue(preamble, 0);
    }

    /** Called once the hub subscription exists; closes it at once if the stream ended meanwhile. */
    void subscribed(HubSubscription sub) {
        this.subscription = sub;
        if (closed.get()) {
            sub.close();
            return;
        }
        resumeIfDrained();
    }

    @Override
    public void onBatch(ReadResult batch) {
        if (closed.get()) {
            return;
        }
        if (overHardBound()) {
            // The change source delivered although this stream asked for no more: never let it grow.
            close(End.CUT_OFF);
            return;
        }
        SseEvents events = owner.events();
        boolean honoured = batch.honoured();
        long resetCursor = honoured ? 0 : SseEvents.resetCursor(batch);
        if (!honoured) {
            enqueue(SseEvents.reset(batch, resetCursor), 0);
        }
        if (first) {
            first = false;
            long start = !honoured ? resetCursor
                    : batch.messages().isEmpty() ? batch.cursor() : batch.messages().get(0).id() - 1;
            enqueue(SseEvents.ready(batch.epoch(), start), 0);
        }
        for (Message m : batch.messages()) {
            enqueue(events.message(m).duplicate(), 1);
        }
    }

    @Override
    public synchronized boolean wantsMore() {
        if (queuedMessages >= owner.limits().highMessages() || queuedBytes >= owner.limits().highBytes()) {
            paused = true;
            return false;
        }
        return true;
    }

    @Override
    public void onClose(Throwable cause) {
        if (cause != null) {
            LOG.log(System.Logger.Level.WARNING, "stream ended by the hub; the client resumes from its cursor: "
                    + cause.getMessage());
        }
        close(End.SERVER);
    }

    /** Heartbeat tick: a comment when idle, a cut-off when the socket has taken nothing for too long. */
    void tick(long now) {
        boolean stalled;
        synchronized (this) {
            stalled = !queue.isEmpty() && now - lastProgress > owner.limits().stallNanos();
        }
        if (stalled) {
            close(End.STALLED);
        } else {
            enqueueHeartbeatIfIdle();
        }
    }

    /** Messages and bytes waiting for the socket now. */
    synchronized long queuedBytes() {
        return queuedBytes;
    }

    boolean isOpen() {
        return !closed.get();
    }

    /** Ends the stream: leaves the hub and closes the connection (the client reconnects). Idempotent. */
    void close(End why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        HubSubscription sub = subscription;
        if (sub != null) {
            sub.close();
        }
        synchronized (this) {
            queue.clear();
            queuedBytes = 0;
            queuedMessages = 0;
        }
        owner.ended(this, why);
        io.execute(() -> {
            if (why == End.SERVER && sink != null) {
                try {
                    // End the chunked body where possible so the exchange completes before the socket goes.
                    sink.shutdownWrites();
                    sink.flush();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "ending a stream failed: " + e.getMessage());
                }
            }
            IoUtils.safeClose(exchange.getConnection());
        });
    }

    private void enqueueHeartbeatIfIdle() {
        boolean idle;
        synchronized (this) {
            idle = queue.isEmpty();
        }
        if (idle) {
            enqueue(SseEvents.HEARTBEAT.duplicate(), 0);
        }
    }

    private synchronized boolean overHardBound() {
        return queuedMessages > owner.limits().maxMessages() || queuedBytes > owner.limits().maxBytes();
    }

    private void enqueue(ByteBuffer bytes, int messages) {
        boolean schedule;
        synchronized (this) {
            if (closed.get()) {
                return;
            }
            if (queue.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            int size = bytes.remaining();
            queue.addLast(new Chunk(bytes, size, messages));
            queuedMessages += messages;
            queuedBytes += size;
            schedule = !writing;
            writing = true;
        }
        if (schedule) {
            owner.wakeups().schedule(io, this::pump);
        }
    }

    /** Writes what is queued until the queue is empty or the socket is full; IO thread only. */
    private void pump() {
        if (closed.get()) {
            return;
        }
        try {
            while (true) {
                Chunk chunk;
                synchronized (this) {
                    chunk = queue.peekFirst();
                }
                if (chunk == null) {
                    if (!sink.flush()) {
                        sink.resumeWrites();
                        return;
                    }
                    synchronized (this) {
                        if (!queue.isEmpty()) {
                            continue; // queued while we flushed
                        }
                        writing = false;
                        lastProgress = System.nanoTime();
                    }
                    sink.suspendWrites();
                    resumeIfDrained();
                    return;
                }
                int before = chunk.bytes.remaining();
                sink.write(chunk.bytes);
                if (chunk.bytes.remaining() < before) {
                    synchronized (this) {
                        lastProgress = System.nanoTime();
                    }
                }
                if (chunk.bytes.hasRemaining()) {
                    sink.resumeWrites();
                    return;
                }
                synchronized (this) {
                    if (queue.peekFirst() == chunk) {
                        queue.pollFirst();
                        queuedBytes -= chunk.size;
                        queuedMessages -= chunk.messages;
                    }
                }
            }
        } catch (IOException e) {
            close(End.WRITE_FAILED);
        }
    }

    private void resumeIfDrained() {
        HubSubscription sub = subscription;
        boolean resume;
        synchronized (this) {
            resume = paused && sub != null && queuedMessages < owner.limits().highMessages()
                    && queuedBytes < owner.limits().highBytes();
            if (resume) {
                paused = false;
            }
        }
        if (resume) {
            sub.resume();
        }
    }

    /**
     * A client of an event stream sends nothing after its request, so readable means end-of-file (it went
     * away) or bytes it should not send; either ends the stream. Without this a gone client would be
     * noticed only when a heartbeat fails to write.
     */
    private void watchForEndOfFile(ServerConnection connection) {
        if (!(connection instanceof AbstractServerConnection plain)) {
            return; // not HTTP/1.1 over a plain connection: heartbeats find a gone client instead
        }
        StreamSourceChannel source = plain.getChannel().getSourceChannel();
        ByteBuffer scratch = ByteBuffer.allocate(64);
        source.getReadSetter().set(ch -> {
            try {
                scratch.clear();
                int n = ch.read(scratch);
                if (n == 0) {
                    return;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "reading a stream's connection failed: " + e.getMessage());
            }
            ch.suspendReads();
            close(End.CLIENT_GONE);
        });
        source.resumeReads();
    }
}
