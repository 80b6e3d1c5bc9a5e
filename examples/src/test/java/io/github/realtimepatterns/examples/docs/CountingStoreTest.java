package io.github.realtimepatterns.examples.docs;

import io.github.realtimepatterns.core.AppendResult;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStoreContract;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.store.Retention;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;

/**
 * The example of {@code docs/extending.md}: a store of one's own (here a decorator that counts appends and
 * reads, over an H2 store), proven by the store kit in a few lines. The page's java blocks are regions of
 * this file ({@link DocsSnippetsTest} checks them).
 */
// snippet: store-kit
class CountingStoreTest extends MessageStoreContract {

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return new CountingStore(MessageStores.h2InMemory(retention, clock));
    }
}
// end snippet: store-kit

// snippet: counting-store
/** Any store, with its appends and reads counted (for a dashboard); everything else is the delegate's. */
final class CountingStore implements MessageStore {
    private final MessageStore delegate;
    private final LongAdder appends = new LongAdder();
    private final LongAdder reads = new LongAdder();

    CountingStore(MessageStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Message append(String channel, String data) {
        Message stored = delegate.append(channel, data);
        appends.increment();
        return stored;
    }

    @Override
    public AppendResult append(String channel, String data, String idempotencyKey) {
        AppendResult result = delegate.append(channel, data, idempotencyKey);
        if (result.stored()) {
            appends.increment();
        }
        return result;
    }

    @Override
    public ReadResult read(String channel, Cursor cursor, int limit) {
        reads.increment();
        return delegate.read(channel, cursor, limit);
    }

    @Override
    public long head(String channel) {
        return delegate.head(channel);
    }

    @Override
    public void close() {
        delegate.close();
    }

    long appends() {
        return appends.sum();
    }

    long reads() {
        return reads.sum();
    }
}
// end snippet: counting-store
