package io.github.realtimepatterns.core;

import java.util.List;

/**
 * The answer to "what is after my cursor?", as every transport sends it.
 *
 * <ul>
 *   <li>{@code cursor}: the id to ask after next time (the last message's id, or the unchanged cursor
 *       when nothing is new, or the head after a reset);</li>
 *   <li>{@code hasMore}: more messages are already stored after {@code cursor}; ask again at once;</li>
 *   <li>{@code reset}: the cursor was ahead of the head or from another epoch; {@code cursor} is now the
 *       head of the current epoch and {@code messages} is empty;</li>
 *   <li>{@code truncated}: retention removed messages after the cursor; {@code messages} starts at the
 *       oldest retained one.</li>
 * </ul>
 *
 * @param epoch     the channel stream's epoch
 * @param messages  messages after the cursor in id order, at most the requested limit
 * @param cursor    the cursor to use next
 * @param hasMore   whether more messages are stored after {@code cursor}
 * @param reset     whether the given cursor could not be honoured and was moved to the head
 * @param truncated whether messages between the cursor and the first returned one were trimmed
 */
public record ReadResult(String epoch, List<Message> messages, long cursor, boolean hasMore, boolean reset,
                         boolean truncated) {

    /**
     * Copies {@code messages}.
     *
     * @param messages the messages
     * @param cursor where to start: the position after which messages are wanted
     * @param reset whether the cursor could not be honoured and the answer starts at the head
     * @param truncated whether retention trimmed messages after the cursor
     * @param epoch the epoch of the channel's stream
     * @param hasMore whether more messages wait after these
     */
    public ReadResult {
        messages = List.copyOf(messages);
    }

    /**
     * Whether the cursor was honoured as given (neither reset nor truncated).
     *
     * @return whether the cursor was honoured as given (neither reset nor truncated)
     */
    public boolean honoured() {
        return !reset && !truncated;
    }

    /**
     * An answer with no messages at {@code cursor}.
     *
     * @param epoch the epoch of the channel's stream
     * @param cursor where to start: the position after which messages are wanted
     * @return an answer with no messages at {@code cursor}
     */
    public static ReadResult empty(String epoch, long cursor) {
        return new ReadResult(epoch, List.of(), cursor, false, false, false);
    }

    /**
     * A live batch of {@code messages} (non-empty, in id order).
     *
     * @param epoch the epoch of the channel's stream
     * @param messages the messages
     * @return a live batch of {@code messages} (non-empty, in id order)
     */
    public static ReadResult live(String epoch, List<Message> messages) {
        return new ReadResult(epoch, messages, messages.get(messages.size() - 1).id(), false, false, false);
    }

    /**
     * The first {@code limit} messages of this result, with {@code cursor} and {@code hasMore} adjusted.
     *
     * @param limit most messages to answer
     * @return the first {@code limit} messages of this result, with {@code cursor} and {@code hasMore} adjusted
     */
    public ReadResult limitTo(int limit) {
        if (messages.size() <= limit) {
            return this;
        }
        List<Message> kept = messages.subList(0, limit);
        return new ReadResult(epoch, kept, kept.get(kept.size() - 1).id(), true, reset, truncated);
    }
}
