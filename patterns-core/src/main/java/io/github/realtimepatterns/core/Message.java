package io.github.realtimepatterns.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored message of a channel.
 *
 * <p>{@code id} is the message's position in its channel: 1, 2, 3 ... without gaps, in commit order.
 * {@code data} is the message body as compact JSON text (any JSON value), exactly as it goes on the wire;
 * it is never re-encoded as a JSON string. Instances are immutable and thread-safe.
 *
 * @param channel   the channel name, valid per {@link Channels#validate(String)}
 * @param id        the per-channel sequence number, {@code >= 1}
 * @param data      the body as compact JSON text
 * @param createdAt when the store accepted the message
 */
public record Message(String channel, long id, String data, Instant createdAt) {

    /**
     * Checks the invariants; throws {@link IllegalArgumentException} or {@link NullPointerException}.
     *
     * @param id the message id
     * @param channel the channel's name
     * @param createdAt when the message was stored
     * @param data the message data, a JSON value as text
     */
    public Message {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(createdAt, "createdAt");
        if (id < 1) {
            throw new IllegalArgumentException("id must be >= 1 but was " + id);
        }
    }
}
