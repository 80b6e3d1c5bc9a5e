package io.github.realtimepatterns.core.connection;

import io.github.realtimepatterns.core.ReadResult;
import java.nio.ByteBuffer;

/**
 * How a transport puts a batch on the wire: a long-poll's JSON answer, a stream's events, a socket's
 * frames. Used through an {@link EncodeCache}, which calls it at most once per batch, so an implementation
 * need not cache anything itself; it must be thread-safe and must not keep the buffer it returns.
 */
@FunctionalInterface
public interface WireFormat {

    /**
     * The bytes that carry {@code batch}, from position to limit; the caller owns the buffer.
     *
     * @param batch the messages, in id order
     * @return the bytes that carry {@code batch}, from position to limit; the caller owns the buffer
     */
    ByteBuffer encode(ReadResult batch);
}
