package io.github.realtimepatterns.core;

import java.util.Objects;

/**
 * What a publish with an idempotency key did: the channel's message for that key, and whether this call
 * stored it. {@code stored == false} is a replay: the key was used on the channel within the window, so
 * nothing was stored and {@code message} is the one the first call stored (same id).
 *
 * @param message the stored message: this call's, or the first one stored under the key
 * @param stored  whether this call stored {@code message}
 */
public record AppendResult(Message message, boolean stored) {

    /**
     * Checks that {@code message} is given.
     *
     * @param message the message
     * @param stored the message just inserted
     */
    public AppendResult {
        Objects.requireNonNull(message, "message");
    }
}
