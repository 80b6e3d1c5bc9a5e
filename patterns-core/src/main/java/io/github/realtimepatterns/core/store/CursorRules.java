package io.github.realtimepatterns.core.store;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import java.util.List;

/**
 * The cursor rules every store applies the same way, given what it knows of a channel: its epoch, its
 * head and the messages after the cursor it fetched (at most {@code limit + 1}, to tell {@code hasMore}).
 */
final class CursorRules {

    private CursorRules() {
    }

    /** Whether the cursor must be answered with {@code reset}: foreign epoch or ahead of the head. */
    static boolean needsReset(Cursor cursor, String epoch, long head) {
        if (cursor.isHead() || cursor.after() == 0) {
            return false; // "from now" and "everything" mean the same in every epoch
        }
        return cursor.after() > head || (cursor.epoch() != null && !cursor.epoch().equals(epoch));
    }

    /**
     * Builds the answer from {@code fetched}: the messages with id greater than the cursor, in id order,
     * at most {@code limit + 1} of them.
     */
    static ReadResult answer(Cursor cursor, String epoch, long head, List<Message> fetched, int limit) {
        if (cursor.isHead()) {
            return ReadResult.empty(epoch, head);
        }
        if (needsReset(cursor, epoch, head)) {
            return new ReadResult(epoch, List.of(), head, false, true, false);
        }
        long after = cursor.after();
        boolean truncated = after < head && (fetched.isEmpty() || fetched.get(0).id() != after + 1);
        if (fetched.isEmpty()) {
            return new ReadResult(epoch, List.of(), truncated ? head : after, false, false, truncated);
        }
        boolean hasMore = fetched.size() > limit;
        List<Message> page = hasMore ? fetched.subList(0, limit) : fetched;
        return new ReadResult(epoch, page, page.get(page.size() - 1).id(), hasMore, false, truncated);
    }
}
