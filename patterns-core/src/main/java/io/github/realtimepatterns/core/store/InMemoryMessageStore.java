package io.github.realtimepatterns.core.store;

import io.github.realtimepatterns.core.AppendResult;
import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.IdempotencyKeys;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
        return append(channel, data, null).message();
    }

    @Override
    public AppendResult append(String channel, String data, String key) {
        Channels.validate(channel);
        Objects.requireNonNull(data, "data");
        if (key != null) {
            IdempotencyKeys.validate(key, "key");
        }
        checkOpen();
        queries.increment();
        ChannelLog log = log(channel);
        synchronized (log) {
            Instant now = clock.instant();
            if (key != null) {
                Message first = log.replay(key, data, now);
                if (first != null) {
                    return new AppendResult(first, false);
                }
            }
            Message message = new Message(channel, log.head + 1, data, now);
            log.messages.addLast(message);
            log.head = message.id();
            log.trim(retention, now);
            if (key != null) {
                log.remember(key, message, now);
            }
            return new AppendResult(message, true);
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

    /** A channel's messages and the idempotency keys of its recent appends; guarded by its own lock. */
    private static final class ChannelLog {
        final ArrayDeque<Message> messages = new ArrayDeque<>();
        /** Key to the id and time of the message stored under it, oldest first. */
        final LinkedHashMap<String, Message> keys = new LinkedHashMap<>();
        long head;

        /** The message first stored under {@code key}, when it is still remembered; else {@code null}. */
        Message replay(String key, String data, Instant now) {
            forget(now);
            Message first = keys.get(key);
            if (first == null) {
                return null;
            }
            Message kept = messages.isEmpty() || first.id() < messages.peekFirst().id() ? null
                    : get(first.id());
            return kept != null ? kept : new Message(first.channel(), first.id(), data, first.createdAt());
        }

        void remember(String key, Message message, Instant now) {
            // The key's id and time only: the message's data is kept (or trimmed) by the log itself.
            keys.put(key, new Message(message.channel(), message.id(), "null", message.createdAt()));
            forget(now);
        }

        /** Drops keys past the window or behind the newest {@value MessageStore#IDEMPOTENCY_KEYS_PER_CHANNEL} ids. */
        private void forget(Instant now) {
            Instant oldest = now.minus(MessageStore.IDEMPOTENCY_WINDOW);
            Iterator<Message> it = keys.values().iterator();
            while (it.hasNext()) {
                Message m = it.next();
                if (!m.createdAt().isBefore(oldest) && m.id() > head - MessageStore.IDEMPOTENCY_KEYS_PER_CHANNEL) {
                    return; // keys are in id order, which is time order: the rest are younger
                }
                it.remove();
            }
        }

        private Message get(long id) {
            // Ids in the log are consecutive from its first message.
            long index = id - messages.peekFirst().id();
            if (index >= messages.size()) {
                return null;
            }
            if (index < messages.size() / 2) {
                Iterator<Message> it = messages.iterator();
                for (long i = 0; i < index; i++) {
                    it.next();
                }
                return it.next();
            }
            Iterator<Message> it = messages.descendingIterator();
            for (long i = messages.size() - 1; i > index; i--) {
                it.next();
            }
            return it.next();
        }

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
