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

    /**
     * Checks {@code after >= -1}.
     *
     * @param after the last id seen
     * @param epoch the epoch of the channel's stream
     */
    public Cursor {
        if (after < -1) {
            throw new IllegalArgumentException("after must be >= 0 but was " + after);
        }
    }

    /**
     * Start at the head: only messages stored after the read.
     *
     * @return the head cursor
     */
    public static Cursor head() {
        return HEAD;
    }

    /**
     * After {@code id} in whatever epoch the store has now.
     *
     * @param id the message id
     * @return the cursor after {@code id}, in any epoch
     */
    public static Cursor after(long id) {
        return new Cursor(null, id);
    }

    /**
     * After {@code id} in {@code epoch} ({@code null} for any).
     *
     * @param epoch the epoch of the channel's stream
     * @param id the message id
     * @return the cursor after {@code id} in {@code epoch}
     */
    public static Cursor of(String epoch, long id) {
        return new Cursor(epoch, id);
    }

    /**
     * Reads a cursor sent as text: {@code after} a whole number {@code >= 0} ({@code null}: the head) and
     * {@code epoch} 1 to 64 letters, digits, {@code -} or {@code _} ({@code null}: any epoch).
     *
     * @param epoch the epoch of the channel's stream
     * @param after the last id seen
     * @return the cursor
     * @throws ProtocolException naming {@code after} or {@code epoch} when either is malformed
     */
    public static Cursor parse(String epoch, String after) {
        return parse(epoch, after, "after");
    }

    /**
     * Like {@link #parse(String, String)}, for an id that arrived under another name (the SSE
     * {@code Last-Event-ID} header): a malformed id is refused naming {@code afterField}.
     *
     * @param epoch the epoch of the channel's stream
     * @param after the last id seen
     * @param afterField the query parameter that carries the cursor's id
     * @return the cursor
     * @throws ProtocolException naming {@code afterField} or {@code epoch} when either is malformed
     */
    public static Cursor parse(String epoch, String after, String afterField) {
        if (epoch != null && (epoch.isEmpty() || epoch.length() > 64 || !epoch.chars().allMatch(Cursor::epochChar))) {
            throw new ProtocolException("epoch", "epoch must be 1..64 letters, digits, '-' or '_' but was \""
                    + shorten(epoch) + "\"");
        }
        if (after == null) {
            return epoch == null ? HEAD : new Cursor(epoch, -1);
        }
        long id;
        try {
            id = Long.parseLong(after.trim());
        } catch (NumberFormatException e) {
            throw new ProtocolException(afterField, afterField + " must be a whole number but was \""
                    + shorten(after) + "\"");
        }
        if (id < 0) {
            throw new ProtocolException(afterField, afterField + " must be >= 0 but was " + id);
        }
        return new Cursor(epoch, id);
    }

    private static boolean epochChar(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }

    private static String shorten(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * Whether this cursor means the head rather than an id.
     *
     * @return whether this cursor means the head rather than an id
     */
    public boolean isHead() {
        return after < 0;
    }
}
