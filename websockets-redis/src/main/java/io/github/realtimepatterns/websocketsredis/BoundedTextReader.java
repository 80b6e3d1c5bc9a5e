package io.github.realtimepatterns.websocketsredis;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one whole client message (all its fragments) without blocking, and stops as soon as it grows past
 * the limit. Undertow's own {@code BufferedTextMessage} only checks its limit on some read paths
 * (UNDERTOW-2770), so the limit is enforced here, counting every byte read.
 */
final class BoundedTextReader {

    /** What becomes of the message. */
    interface Outcome {
        /** The whole message, decoded (strict UTF-8), or {@code null} when it was not valid UTF-8. */
        void complete(String text);

        /** The message grew past the limit; the rest of it is read and dropped. */
        void tooBig();

        /** The connection failed while reading. */
        void failed(IOException e);
    }

    private final StreamSourceFrameChannel frame;
    private final int limit;
    private final Outcome outcome;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(256);
    private boolean done;
    private boolean discarding;

    private BoundedTextReader(StreamSourceFrameChannel frame, int limit, Outcome outcome) {
        this.frame = frame;
        this.limit = limit;
        this.outcome = outcome;
    }

    /** Starts reading {@code frame}; {@code outcome} is called once, now or on a later read event. */
    static void read(StreamSourceFrameChannel frame, int limit, Outcome outcome) {
        BoundedTextReader reader = new BoundedTextReader(frame, limit, outcome);
        if (!reader.pump()) {
            frame.getReadSetter().set(ch -> reader.pump());
            frame.resumeReads();
        }
    }

    /** Reads what is available; true when the outcome was delivered. */
    private boolean pump() {
        if (done) {
            return true;
        }
        PooledByteBuffer pooled = frame.getWebSocketChannel().getBufferPool().allocate();
        ByteBuffer buffer = pooled.getBuffer();
        try {
            while (true) {
                buffer.clear();
                int n = frame.read(buffer);
                if (n > 0) {
                    if (discarding) {
                        continue;
                    }
                    if (data.size() + n > limit) {
                        // Keep reading to the end of the message and drop it, so that the close handshake
                        // that follows can complete instead of leaving unread bytes behind.
                        discarding = true;
                        data.reset();
                        outcome.tooBig();
                        continue;
                    }
                    buffer.flip();
                    byte[] chunk = new byte[n];
                    buffer.get(chunk);
                    data.write(chunk, 0, n);
                } else if (n < 0) {
                    done = true;
                    if (!discarding) {
                        outcome.complete(decode(data.toByteArray()));
                    }
                    return true;
                } else {
                    return false;
                }
            }
        } catch (IOException e) {
            done = true;
            outcome.failed(e);
            return true;
        } finally {
            pooled.close();
        }
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
