package io.github.realtimepatterns.core;

/**
 * Where a client stands in a channel: the epoch of the stream it read and the last id it has seen.
 *
 * <p>{@link #head()} (no {@code after}) means "only messages newer than now"; {@code after == 0} means
 * "everything retained". A {@code null} epoch accepts the store's current one.
 *
 * @param epoch the channel stream's epoch the client last saw, or {@code null} if unknown
 * @param after the last id seen, {@code >= 0}, or {@code -1} for the head
 */
public record Cursor(String epoch, long after) {

    private static final Cursor HEAD = new Cursor(null, -1);

    /** Checks {@code after >= -1}. */
    public Cursor {
        if (after < -1) {
            throw new IllegalArgumentException("after must be >= 0 but was " + after);
        }
    }

    /** Start at the head: only messages stored after the read. */
    public static Cursor head() {
        return HEAD;
    }

    /** After {@code id} in whatever epoch the store has now. */
    public static Cursor after(long id) {
        return new Cursor(null, id);
    }

    /** After {@code id} in {@code epoch} ({@code null} for any). */
    public static Cursor of(String epoch, long id) {
        return new Cursor(epoch, id);
    }

    /** Whether this cursor means the head rather than an id. */
    public boolean isHead() {
        return after < 0;
    }
}
