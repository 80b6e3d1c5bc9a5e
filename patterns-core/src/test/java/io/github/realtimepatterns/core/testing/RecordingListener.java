package io.github.realtimepatterns.core.testing;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.client.MessageListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/** A listener that records what it got, for assertions on order, loss and duplicates. Thread-safe. */
public final class RecordingListener implements MessageListener {

    private final List<Message> messages = new ArrayList<>();
    private final List<ReadResult> resets = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    @Override
    public synchronized void onMessage(Message message) {
        messages.add(message);
    }

    @Override
    public synchronized void onReset(String channel, ReadResult batch) {
        resets.add(batch);
    }

    @Override
    public synchronized void onError(Throwable error) {
        errors.add(error);
    }

    /** The messages received, in arrival order. */
    public synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    /** The ids received, in arrival order. */
    public synchronized List<Long> ids() {
        return messages.stream().map(Message::id).toList();
    }

    /** The reset and truncated notices received. */
    public synchronized List<ReadResult> resets() {
        return List.copyOf(resets);
    }

    /** The transient errors reported. */
    public synchronized List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /** Waits until at least {@code count} messages arrived. */
    public void awaitCount(int count, Duration timeout) {
        Eventually.await(timeout, () -> size() >= count,
                () -> "expected " + count + " messages, got " + size() + ": " + abbreviated());
    }

    /** Waits until at least {@code count} messages arrived, with the default deadline. */
    public void awaitCount(int count) {
        awaitCount(count, Eventually.DEFAULT);
    }

    /** The ids {@code from..to} inclusive, to compare with {@link #ids()}. */
    public static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private synchronized int size() {
        return messages.size();
    }

    private synchronized String abbreviated() {
        List<Long> ids = ids();
        return ids.size() > 20 ? ids.subList(0, 10) + "..." + ids.subList(ids.size() - 10, ids.size()) : ids.toString();
    }
}
