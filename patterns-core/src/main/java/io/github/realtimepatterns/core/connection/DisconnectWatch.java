package io.github.realtimepatterns.core.connection;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Notices, at once, that the client of a held exchange (a parked poll, an event stream) went away, by any
 * of the three signs there are: the end of its stream (the connection is read while the exchange is held,
 * which Undertow does not do by itself), the connection's close listener, or a write that failed (the
 * transport reports it with {@link #writeFailed}). Whichever comes first runs {@code onGone}, once.
 *
 * <p>A keep-alive connection carries many requests: the watch registers one close listener per
 * connection, pointed at the exchange held now, and bytes of a pipelined next request are handed back to
 * Undertow, not taken for a disconnect. {@link #stop()} before answering gives the connection's reads back.
 * Thread-safe; {@link #start} and {@link #stop} run on the exchange's IO thread.
 */
public final class DisconnectWatch {

    private static final AttachmentKey<Slot> SLOT = AttachmentKey.create(Slot.class);

    private final HttpServerExchange exchange;
    private final Runnable onGone;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean gone;
    private Slot slot; // IO thread only
    private ChannelListener<? super ConduitStreamSourceChannel> httpReadListener; // IO thread only

    private DisconnectWatch(HttpServerExchange exchange, Runnable onGone) {
        this.exchange = exchange;
        this.onGone = onGone;
    }

    /**
     * Starts watching the connection of {@code exchange}; runs {@code onGone} (once, on whichever thread
     * noticed) when its client goes away, at once when it is already gone. Call on the exchange's IO thread.
     *
     * @param exchange the HTTP exchange
     * @param onGone what to run once the client is gone
     * @return the watch; close it once the exchange has ended
     */
    public static DisconnectWatch start(HttpServerExchange exchange, Runnable onGone) {
        DisconnectWatch watch = new DisconnectWatch(Objects.requireNonNull(exchange, "exchange"),
                Objects.requireNonNull(onGone, "onGone"));
        watch.arm();
        return watch;
    }

    /**
     * A write to the client failed: it is gone. Any thread.
     *
     * @param cause the underlying failure
     */
    public void writeFailed(IOException cause) {
        gone();
    }

    /**
     * Whether the client was found gone.
     *
     * @return whether the client was found gone
     */
    public boolean isGone() {
        return gone;
    }

    /**
     * Stops watching without calling {@code onGone}, and gives the connection's reads back to Undertow (for
     * its next request). Idempotent; on the exchange's IO thread.
     */
    public void stop() {
        done.set(true);
        release();
    }

    private void arm() {
        ServerConnection connection = exchange.getConnection();
        Slot s = connection.getAttachment(SLOT);
        if (s == null) {
            // One listener per connection (not per request): keep-alive connections carry many requests.
            s = new Slot();
            connection.putAttachment(SLOT, s);
            connection.addCloseListener(s);
        }
        slot = s;
        s.current = this;
        if (!connection.isOpen()) {
            gone();
            return;
        }
        ConduitStreamSourceChannel source = source();
        if (source == null) {
            return; // not an HTTP/1.1 connection: its close listener still fires when Undertow notices
        }
        httpReadListener = source.getReadListener();
        source.getReadSetter().set(this::readable);
        source.resumeReads();
    }

    private void gone() {
        if (done.compareAndSet(false, true)) {
            gone = true;
            Slot s = slot;
            if (s != null && s.current == this) {
                s.current = null;
            }
            onGone.run();
        }
    }

    /** Undertow does not read a connection while its request is held; readable here means EOF or a next request. */
    private void readable(ConduitStreamSourceChannel source) {
        ServerConnection connection = exchange.getConnection();
        PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
        boolean handedBack = false;
        try {
            int n = source.read(pooled.getBuffer());
            if (n < 0) {
                source.suspendReads();
                IoUtils.safeClose(connection);
                gone();
            } else if (n > 0) {
                // A pipelined next request: give its bytes back to Undertow and stop reading.
                source.suspendReads();
                pooled.getBuffer().flip();
                ((HttpServerConnection) connection).ungetRequestBytes(pooled);
                handedBack = true;
            }
        } catch (IOException e) {
            IoUtils.safeClose(connection);
            gone();
        } finally {
            if (!handedBack) {
                pooled.close();
            }
        }
    }

    private void release() {
        Slot s = slot;
        if (s != null && s.current == this) {
            s.current = null;
        }
        if (httpReadListener != null) {
            ConduitStreamSourceChannel source = source();
            source.suspendReads();
            source.getReadSetter().set(httpReadListener);
            httpReadListener = null;
        }
    }

    private ConduitStreamSourceChannel source() {
        return exchange.getConnection() instanceof HttpServerConnection http
                ? http.getChannel().getSourceChannel() : null;
    }

    /** The exchange held on a connection now, so that the connection's close reaches its watch. */
    private static final class Slot implements ServerConnection.CloseListener {
        volatile DisconnectWatch current;

        @Override
        public void closed(ServerConnection connection) {
            DisconnectWatch watch = current;
            current = null;
            if (watch != null) {
                watch.gone();
            }
        }
    }
}
