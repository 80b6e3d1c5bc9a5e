package io.github.realtimepatterns.core.store;

import io.github.realtimepatterns.core.AppendResult;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where messages live: the truth every transport reads from.
 *
 * <p><b>Ids.</b> {@link #append} gives each message the next id of its channel: 1, 2, 3 ... with no gaps,
 * in commit order, under any number of concurrent writers (threads or processes sharing the store). So a
 * reader that asks "after my cursor" can never skip a message that commits later with a smaller id.
 *
 * <p><b>Epochs.</b> Every channel stream has an epoch, a short token fixed when the stream is created in
 * this store. A cursor from another epoch, or ahead of the head, is answered with {@code reset}; a cursor
 * behind what retention kept, with {@code truncated} (see {@link ReadResult}). A channel that has never been
 * appended to reads in the store's own epoch, and its first append creates its stream in that same epoch,
 * so a cursor taken before the first message is honoured after it.
 *
 * <p><b>Reads never write.</b> {@link #read}, {@link #readMany}, {@link #head} and {@link #heads} of a
 * channel that has no messages store nothing: anyone may name any channel, and must not grow the store.
 *
 * <p><b>Threads.</b> Implementations are thread-safe. Methods may block (JDBC): never call them on an IO
 * thread. Failures are {@link io.github.realtimepatterns.core.StoreException}s; a failed append stores
 * nothing. {@link #close()} releases what the store opened (pools, timers); it is idempotent.
 */
public interface MessageStore extends AutoCloseable {

    /**
     * Stores {@code data} as the next message of {@code channel}.
     *
     * @param channel a valid channel name (the store checks and throws
     *                {@link io.github.realtimepatterns.core.ProtocolException} otherwise)
     * @param data    compact JSON text, already validated by the caller
     *                ({@link io.github.realtimepatterns.core.WireJson#compact(String)})
     * @return the stored message, with its id and creation time
     */
    Message append(String channel, String data);

    /** How long a store remembers an idempotency key after the append that used it: 10 minutes. */
    Duration IDEMPOTENCY_WINDOW = Duration.ofMinutes(10);

    /** A key is also forgotten once its message is not among the newest this many of its channel. */
    int IDEMPOTENCY_KEYS_PER_CHANNEL = 10_000;

    /**
     * Stores {@code data} as the next message of {@code channel} unless {@code key} was used on that
     * channel within {@link #IDEMPOTENCY_WINDOW} (and among its newest {@link #IDEMPOTENCY_KEYS_PER_CHANNEL}
     * messages): then it stores nothing and returns the message the first call stored, with {@code
     * stored == false}. Appends racing with one key, in threads or in processes sharing the store, store
     * one message between them (a unique constraint in the store, not a map in one process). A replay whose
     * first message retention has already dropped answers its id and time with this call's {@code data}.
     * Keys are scoped to their channel and compared exactly; the data of a replay is not compared.
     *
     * <p>The default ignores the key (every call stores; a retry may be stored twice): a store that can
     * deduplicate overrides it, as both stores of this library do, and the contract kit requires it.
     *
     * @param key the idempotency key, valid per {@link io.github.realtimepatterns.core.IdempotencyKeys}
     *            (a {@link io.github.realtimepatterns.core.ProtocolException} naming {@code key} otherwise),
     *            or {@code null} for none: then the same as {@link #append(String, String)}
     * @param channel the channel's name
     * @param data the message data, a JSON value as text
     * @return the stored message: the one this call stored, or the one stored earlier under {@code key}
     */
    default AppendResult append(String channel, String data, String key) {
        if (key != null) {
            io.github.realtimepatterns.core.IdempotencyKeys.validate(key, "key");
        }
        return new AppendResult(append(channel, data), true);
    }

    /**
     * What is after {@code cursor} in {@code channel}: at most {@code limit} messages in id order.
     * A channel that has no messages yet reads as empty at cursor 0 in the store's epoch (and nothing is
     * stored for it).
     *
     * @param limit at least 1
     * @param channel the channel's name
     * @param cursor where to start: the position after which messages are wanted
     * @return what is after {@code cursor} in {@code channel}: at most {@code limit} messages in id order
     */
    ReadResult read(String channel, Cursor cursor, int limit);

    /**
     * The id of the channel's newest message, 0 when it has none.
     *
     * @param channel the channel's name
     * @return the id of the channel's newest message, 0 when it has none
     */
    long head(String channel);

    /**
     * Reads many channels at once, each after its own cursor, for a change source that serves many
     * channels with one query per interval. The default reads them one by one; stores that can answer in
     * one round trip override it.
     *
     * @param cursors the cursor of each channel
     * @param limitPerChannel most messages to answer per channel
     * @return one result per requested channel, in the map's iteration order
     */
    default Map<String, ReadResult> readMany(Map<String, Cursor> cursors, int limitPerChannel) {
        Map<String, ReadResult> results = new LinkedHashMap<>();
        cursors.forEach((channel, cursor) -> results.put(channel, read(channel, cursor, limitPerChannel)));
        return results;
    }

    /**
     * The heads of many channels (0 for those without messages). The default asks one by one.
     *
     * @param channels the channels' names
     * @return the heads of many channels (0 for those without messages)
     */
    default Map<String, Long> heads(Collection<String> channels) {
        Map<String, Long> heads = new LinkedHashMap<>();
        channels.forEach(channel -> heads.put(channel, head(channel)));
        return heads;
    }

    /** Throws a {@link io.github.realtimepatterns.core.StoreException} when the store cannot be reached. */
    default void checkHealth() {
        head("health");
    }

    /**
     * Number of queries (reads, appends, trims) this store has sent; for measurements. 0 if not counted.
     *
     * @return number of queries (reads, appends, trims) this store has sent; for measurements
     */
    default long queryCount() {
        return 0;
    }

    /** Releases the store's resources; idempotent. Stored data is kept unless the store is in-memory. */
    @Override
    void close();
}
