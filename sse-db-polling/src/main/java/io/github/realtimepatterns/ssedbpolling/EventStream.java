package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.connection.DisconnectWatch;
import io.github.realtimepatterns.core.connection.EncodeCache;
import io.github.realtimepatterns.core.connection.Outbox;
import io.github.realtimepatterns.core.connection.Outboxes;
import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.hub.Subscriber;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * One open event stream: a hub {@link Subscriber} that turns batches into events and hands them to the
 * connection's {@link Outbox} (which bounds the queue, pauses the subscription and cuts a slow client off),
 * watched by a {@link DisconnectWatch}. Ending a stream ends the response: the client resumes from its
 * cursor.
 */
final class EventStream implements Subscriber, Outbox.Listener {

    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());

    /** Why a stream ended, for the handler's counters. */
    enum End { CLIENT_GONE, CUT_OFF, STALLED, SERVER }

    /** The handler's side: the outboxes, the encodings, and what to tell it when a stream ends. */
    interface Owner {
        Outboxes outboxes();

        EncodeCache encoded();

        void ended(EventStream stream, End why);
    }

    private final Owner owner;
    private final HttpServerExchange exchange;
    private final XnioIoThread io;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Outbox outbox;
    private volatile DisconnectWatch watch;
    private volatile HubSubscription subscription;
    private StreamSinkChannel sink; // IO thread only
    private boolean first = true; // hub thread only

    EventStream(Owner owner, HttpServerExchange exchange) {
        this.owner = owner;
        this.exchange = exchange;
        this.io = exchange.getIoThread();
    }

    /** Opens the response and queues {@code preamble}; on the exchange's IO thread. */
    void open(ByteBuffer preamble) {
        sink = exchange.getResponseChannel();
        outbox = owner.outboxes().open(io, sink, this);
        watch = DisconnectWatch.start(exchange, () -> close(End.CLIENT_GONE));
        outbox.send(0, preamble);
    }

    /** Called once the hub subscription exists; closes it at once if the stream ended meanwhile. */
    void subscribed(HubSubscription sub) {
        this.subscription = sub;
        if (closed.get()) {
            sub.close();
        }
    }

    @Override
    public void onBatch(ReadResult batch) {
        if (closed.get()) {
            return;
        }
        boolean honoured = batch.honoured();
        long resetCursor = honoured ? 0 : SseEvents.resetCursor(batch);
        ByteBuffer reset = honoured ? null : SseEvents.reset(batch, resetCursor);
        ByteBuffer ready = null;
        if (first) {
            first = false;
            long start = !honoured ? resetCursor
                    : batch.messages().isEmpty() ? batch.cursor() : batch.messages().get(0).id() - 1;
            ready = SseEvents.ready(batch.epoch(), start);
        }
        ByteBuffer events = batch.messages().isEmpty() ? null : owner.encoded().encode(batch, SseEvents.MESSAGES);
        outbox.send(batch.messages().size(), parts(reset, ready, events));
    }

    @Override
    public boolean wantsMore() {
        return outbox.wantsMore(subscription);
    }

    @Override
    public void onClose(Throwable cause) {
        if (cause != null) {
            LOG.log(System.Logger.Level.WARNING, "stream ended by the hub; the client resumes from its cursor: "
                    + cause.getMessage());
        }
        close(End.SERVER);
    }

    @Override
    public void cutOff(Outbox.CutOff why) {
        close(why == Outbox.CutOff.STALLED ? End.STALLED : End.CUT_OFF);
    }

    @Override
    public void writeFailed(IOException cause) {
        watch.writeFailed(cause);
    }

    /** Heartbeat tick: a comment line when nothing waits to be written. */
    void heartbeat() {
        Outbox o = outbox;
        if (o != null && o.isEmpty()) {
            o.send(0, SseEvents.HEARTBEAT);
        }
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
        Outbox o = outbox;
        if (o != null) {
            o.close();
        }
        owner.ended(this, why);
        Runnable end = () -> {
            DisconnectWatch w = watch;
            if (w != null) {
                w.stop();
            }
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
        };
        if (Thread.currentThread() == io) {
            end.run();
            return;
        }
        try {
            io.execute(end);
        } catch (RejectedExecutionException e) {
            IoUtils.safeClose(exchange.getConnection()); // the server is stopping its IO threads
        }
    }

    private static ByteBuffer[] parts(ByteBuffer a, ByteBuffer b, ByteBuffer c) {
        int n = (a != null ? 1 : 0) + (b != null ? 1 : 0) + (c != null ? 1 : 0);
        ByteBuffer[] parts = new ByteBuffer[n];
        int i = 0;
        for (ByteBuffer part : new ByteBuffer[] {a, b, c}) {
            if (part != null) {
                parts[i++] = part;
            }
        }
        return parts;
    }
}
