package io.github.realtimepatterns.core.store;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store in this JVM's heap, bounded per channel by its {@link Retention}. The store has one epoch, drawn
 * when it is made, shared by all its channels: a restarted process answers old cursors with {@code reset},
 * and a channel that was never appended to reads as empty in that epoch without the store keeping anything
 * for it (only appends create a channel's log). Each channel is guarded by its own lock; ids are assigned
 * and made visible under it, so they are gap-free in commit order.
 */
final class InMemoryMessageStore implements MessageStore {

    private final ConcurrentHashMap<String, ChannelLog> channels = new ConcurrentHashMap<>();
    private final String epoch = Epochs.next();
    private final Retention retention;
    private final Clock clock;
    private final LongAdder queries = new LongAdder();
    private volatile boolean closed;

    InMemoryMessageStore(Retention retention, Clock clock) {
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Message append(String channel, String data) {
        Channels.validate(channel);
        Objects.requireNonNull(data, "data");
        checkOpen();
        queries.increment();
        ChannelLog log = log(channel);
        synchronized (log) {
            Instant now = clock.instant();
            Message message = new Message(channel, log.head + 1, data, now);
            log.messages.addLast(message);
            log.head = message.id();
            log.trim(retention, now);
            return message;
        }
    }

    @Override
    public ReadResult read(String channel, Cursor cursor, int limit) {
        Channels.validate(channel);
        requireLimit(limit);
        checkOpen();
        queries.increment();
        ChannelLog log = channels.get(channel);
        if (log == null) {
            return CursorRules.answer(cursor, epoch, 0, List.of(), limit); // reads create nothing
        }
        synchronized (log) {
            log.trim(retention, clock.instant());
            List<Message> fetched = new ArrayList<>();
            if (!cursor.isHead() && !CursorRules.needsReset(cursor, epoch, log.head)) {
                Iterator<Message> it = log.messages.descendingIterator();
                // Walk back from the newest to the cursor: reads near the head (the usual case) are short.
                while (it.hasNext()) {
                    Message m = it.next();
                    if (m.id() <= cursor.after()) {
                        break;
                    }
                    fetched.add(m);
                }
                java.util.Collections.reverse(fetched);
                if (fetched.size() > limit + 1) {
                    fetched = new ArrayList<>(fetched.subList(0, limit + 1));
                }
            }
            return CursorRules.answer(cursor, epoch, log.head, fetched, limit);
        }
    }

    @Override
    public long head(String channel) {
        Channels.validate(channel);
        checkOpen();
        queries.increment();
        ChannelLog log = channels.get(channel);
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            return log.head;
        }
    }

    /** Channels this store holds a log for: only those appended to (for the contract kit). */
    int channelCount() {
        return channels.size();
    }

    @Override
    public long queryCount() {
        return queries.sum();
    }

    @Override
    public void close() {
        closed = true; // the heap is the store: nothing to release, but later calls must fail like a JDBC store's
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("in-memory store is closed");
        }
    }

    private ChannelLog log(String channel) {
        return channels.computeIfAbsent(channel, c -> new ChannelLog());
    }

    static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
    }

    private static final class ChannelLog {
        final ArrayDeque<Message> messages = new ArrayDeque<>();
        long head;

        void trim(Retention retention, Instant now) {
            while (messages.size() > retention.maxMessages()) {
                messages.removeFirst();
            }
            if (retention.limitsAge()) {
                Instant oldest = now.minus(retention.maxAge());
                while (!messages.isEmpty() && messages.peekFirst().createdAt().isBefore(oldest)) {
                    messages.removeFirst();
                }
            }
        }
    }
}
