package io.github.realtimepatterns.core.connection;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of a connection's {@link Outbox}, the same on every transport: two water marks, a hard bound
 * and a stall timeout, each in messages and bytes where that applies.
 *
 * <ul>
 *   <li><b>high water</b>: when a batch leaves the queue at or above it, the connection's hub
 *       subscriptions pause (new messages wait in the store, not in memory);</li>
 *   <li><b>low water</b>: once the queue has drained to it, they resume and catch up from the store
 *       (default: half the high water);</li>
 *   <li><b>max queued</b>: a send that finds the queue past it cuts the connection off with the
 *       transport's own signal; a send is queued whole, so the queue may pass it by one batch;</li>
 *   <li><b>stall timeout</b>: a connection whose socket takes no byte for this long while bytes wait is
 *       cut off.</li>
 * </ul>
 * Immutable; each {@code with} method validates its values at once and returns a copy, {@link #validate()}
 * checks that they fit together. The client resumes from its cursor after a cut-off, so nothing is lost.
 */
public final class SendLimits {

    private final int highWaterMessages;
    private final long highWaterBytes;
    private final int lowWaterMessages; // -1: half the high water
    private final long lowWaterBytes;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private final Duration stallTimeout;

    private SendLimits(int highWaterMessages, long highWaterBytes, int lowWaterMessages, long lowWaterBytes,
                       int maxQueuedMessages, long maxQueuedBytes, Duration stallTimeout) {
        this.highWaterMessages = highWaterMessages;
        this.highWaterBytes = highWaterBytes;
        this.lowWaterMessages = lowWaterMessages;
        this.lowWaterBytes = lowWaterBytes;
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
        this.stallTimeout = stallTimeout;
    }

    /**
     * Limits with these marks, the low water at half the high water.
     *
     * @param highWaterMessages the high water messages
     * @param highWaterBytes the high water bytes
     * @param maxQueuedMessages the max queued messages
     * @param maxQueuedBytes the max queued bytes
     * @param stallTimeout the stall timeout
     * @return limits with these marks, the low water at half the high water
     * @throws IllegalArgumentException when a value is out of range or they do not fit together
     */
    public static SendLimits of(int highWaterMessages, long highWaterBytes, int maxQueuedMessages,
                                long maxQueuedBytes, Duration stallTimeout) {
        return new SendLimits(2, 1024, -1, -1, 1, 1, Duration.ofSeconds(1))
                .withHighWater(highWaterMessages, highWaterBytes)
                .withMaxQueued(maxQueuedMessages, maxQueuedBytes)
                .withStallTimeout(stallTimeout)
                .validate();
    }

    /**
     * These limits with the high-water mark at {@code messages} and {@code bytes}.
     *
     * @param messages the messages
     * @param bytes the number of bytes
     * @return these limits with the high-water mark at {@code messages} and {@code bytes}
     * @throws IllegalArgumentException unless {@code messages >= 2} and {@code bytes >= 1024}
     */
    public SendLimits withHighWater(int messages, long bytes) {
        if (messages < 2 || bytes < 1024) {
            throw new IllegalArgumentException("highWater must be >= 2 messages and >= 1024 bytes but was "
                    + messages + " messages, " + bytes + " bytes");
        }
        return new SendLimits(messages, bytes, lowWaterMessages, lowWaterBytes, maxQueuedMessages, maxQueuedBytes,
                stallTimeout);
    }

    /**
     * These limits with the low-water mark at {@code messages} and {@code bytes} (instead of half the high
     * water).
     *
     * @param messages the messages
     * @param bytes the number of bytes
     * @return these limits with the low-water mark at {@code messages} and {@code bytes} (instead of half the high
     *         water)
     * @throws IllegalArgumentException when either is negative
     */
    public SendLimits withLowWater(int messages, long bytes) {
        if (messages < 0 || bytes < 0) {
            throw new IllegalArgumentException("lowWater must be >= 0 but was " + messages + " messages, "
                    + bytes + " bytes");
        }
        return new SendLimits(highWaterMessages, highWaterBytes, messages, bytes, maxQueuedMessages, maxQueuedBytes,
                stallTimeout);
    }

    /**
     * These limits with the hard bound at {@code messages} and {@code bytes}.
     *
     * @param messages the messages
     * @param bytes the number of bytes
     * @return these limits with the hard bound at {@code messages} and {@code bytes}
     * @throws IllegalArgumentException unless both are {@code > 0}
     */
    public SendLimits withMaxQueued(int messages, long bytes) {
        if (messages < 1 || bytes < 1) {
            throw new IllegalArgumentException("maxQueued must be > 0 but was " + messages + " messages, "
                    + bytes + " bytes");
        }
        return new SendLimits(highWaterMessages, highWaterBytes, lowWaterMessages, lowWaterBytes, messages, bytes,
                stallTimeout);
    }

    /**
     * These limits with {@code timeout} as the stall timeout.
     *
     * @param timeout how long to wait
     * @return these limits with {@code timeout} as the stall timeout
     * @throws IllegalArgumentException unless it is {@code > 0}
     */
    public SendLimits withStallTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "stallTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be > 0 but was " + timeout);
        }
        return new SendLimits(highWaterMessages, highWaterBytes, lowWaterMessages, lowWaterBytes, maxQueuedMessages,
                maxQueuedBytes, timeout);
    }

    /**
     * These limits, once checked to fit together: low water {@code <=} high water {@code <=} max queued.
     *
     * @return these limits, once checked to fit together: low water {@code <=} high water {@code <=} max queued
     * @throws IllegalArgumentException naming the mark that does not fit
     */
    public SendLimits validate() {
        if (maxQueuedMessages < highWaterMessages || maxQueuedBytes < highWaterBytes) {
            throw new IllegalArgumentException("maxQueued must be >= highWater (" + highWaterMessages + " messages, "
                    + highWaterBytes + " bytes) but was " + maxQueuedMessages + " messages, " + maxQueuedBytes
                    + " bytes");
        }
        if (lowWaterMessages() > highWaterMessages || lowWaterBytes() > highWaterBytes) {
            throw new IllegalArgumentException("lowWater must be <= highWater (" + highWaterMessages + " messages, "
                    + highWaterBytes + " bytes) but was " + lowWaterMessages() + " messages, " + lowWaterBytes()
                    + " bytes");
        }
        return this;
    }

    /**
     * Messages queued at which the connection's subscriptions pause.
     *
     * @return messages queued at which the connection's subscriptions pause
     */
    public int highWaterMessages() {
        return highWaterMessages;
    }

    /**
     * Bytes queued at which the connection's subscriptions pause.
     *
     * @return bytes queued at which the connection's subscriptions pause
     */
    public long highWaterBytes() {
        return highWaterBytes;
    }

    /**
     * Messages queued at or below which paused subscriptions resume (default half the high water).
     *
     * @return messages queued at or below which paused subscriptions resume (default half the high water)
     */
    public int lowWaterMessages() {
        return lowWaterMessages >= 0 ? lowWaterMessages : highWaterMessages / 2;
    }

    /**
     * Bytes queued at or below which paused subscriptions resume (default half the high water).
     *
     * @return bytes queued at or below which paused subscriptions resume (default half the high water)
     */
    public long lowWaterBytes() {
        return lowWaterBytes >= 0 ? lowWaterBytes : highWaterBytes / 2;
    }

    /**
     * Messages queued past which a send cuts the connection off.
     *
     * @return messages queued past which a send cuts the connection off
     */
    public int maxQueuedMessages() {
        return maxQueuedMessages;
    }

    /**
     * Bytes queued past which a send cuts the connection off.
     *
     * @return bytes queued past which a send cuts the connection off
     */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * How long the socket may take no byte while bytes wait before the connection is cut off.
     *
     * @return how long the socket may take no byte while bytes wait before the connection is cut off
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    @Override
    public String toString() {
        return "SendLimits[highWater=" + highWaterMessages + "/" + highWaterBytes + "B, lowWater=" + lowWaterMessages()
                + "/" + lowWaterBytes() + "B, maxQueued=" + maxQueuedMessages + "/" + maxQueuedBytes
                + "B, stallTimeout=" + stallTimeout + "]";
    }
}
