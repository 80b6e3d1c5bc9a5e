package io.github.realtimepatterns.core.client;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;

/**
 * A Java client of one pattern's server: subscribe to channels from a cursor, publish, close.
 *
 * <p>Every implementation keeps a cursor per subscription and resumes from it after any error,
 * reconnect or server restart, so its listener sees each message once, in id order (a
 * {@code reset} or {@code truncated} answer is reported to {@link MessageListener#onReset} first).
 * Thread-safe. {@link #close()} ends every subscription and is idempotent.
 */
public interface RealtimeClient extends AutoCloseable {

    /**
     * Follows {@code channel} from {@code from} ({@link Cursor#head()} for only new messages,
     * {@code Cursor.after(0)} for everything retained). Returns at once; delivery runs in the background.
     *
     * @param channel the channel's name
     * @param from where to start: the position after which messages are wanted
     * @param listener what is told of the messages
     * @return the subscription; close it to stop following the channel
     */
    ClientSubscription subscribe(String channel, Cursor from, MessageListener listener);

    /**
     * Publishes {@code json} (any JSON value) to {@code channel} and returns the stored message.
     *
     * @param channel the channel's name
     * @param json the message data, a JSON value as text
     * @return the stored message, with its id
     * @throws io.github.realtimepatterns.core.ProtocolException for a 4xx answer (its status and field)
     * @throws io.github.realtimepatterns.core.RealtimeException when the server is unreachable or answers 5xx
     */
    Message publish(String channel, String json);

    /** Ends every subscription and releases connections; idempotent. */
    @Override
    void close();
}
