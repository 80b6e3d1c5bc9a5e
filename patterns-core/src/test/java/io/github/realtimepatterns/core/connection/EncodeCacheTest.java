package io.github.realtimepatterns.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.hub.ChannelHub;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EncodeCacheTest {

    /** A wire format that counts its encodings. */
    private static final class Counting implements WireFormat {
        final AtomicInteger encodes = new AtomicInteger();
        final int padding;

        Counting(int padding) {
            this.padding = padding;
        }

        @Override
        public ByteBuffer encode(ReadResult batch) {
            encodes.incrementAndGet();
            return ByteBuffer.wrap((batch.cursor() + "x".repeat(padding)).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static ReadResult batch(long id) {
        return ReadResult.live("e", List.of(new Message("c", id, "{}", Instant.EPOCH)));
    }

    @Test
    void aBatchIsEncodedOnceForEverySubscriberOfItsChannel() {
        EncodeCache cache = new EncodeCache();
        Counting format = new Counting(0);
        try (MessageStore store = MessageStores.inMemory();
             InJvmBroker broker = new InJvmBroker();
             ChannelHub hub = ChannelHub.builder(store, broker).sweepInterval(Duration.ofMinutes(5)).build()) {
            AtomicInteger joined = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            int subscribers = 500;
            for (int i = 0; i < subscribers; i++) {
                boolean[] first = {true};
                hub.subscribe("c", Cursor.after(0), b -> {
                    if (first[0]) {
                        first[0] = false;
                        joined.incrementAndGet();
                    }
                    if (!b.messages().isEmpty()) {
                        ByteBuffer bytes = cache.encode(b, format);
                        assertThat(bytes.isReadOnly()).isTrue();
                        received.addAndGet(b.messages().size());
                    }
                });
            }
            Eventually.await(() -> joined.get() == subscribers, "all joined");
            int messages = 20;
            for (int i = 0; i < messages; i++) {
                broker.publish(store.append("c", "{}"));
            }
            Eventually.await(() -> received.get() == subscribers * messages, "every message to every subscriber");
        }
        assertThat(format.encodes.get()).as("one encoding per batch, not per subscriber").isEqualTo(20);
        assertThat(cache.encodings()).isEqualTo(20);
    }

    @Test
    void threadsAskingForOneBatchAtOnceShareOneEncoding() throws Exception {
        EncodeCache cache = new EncodeCache();
        Counting format = new Counting(10);
        ReadResult batch = batch(1);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<ByteBuffer>> askers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            askers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return cache.encode(batch, format);
            }));
        }
        go.countDown();
        ByteBuffer first = askers.get(0).get();
        for (CompletableFuture<ByteBuffer> asker : askers) {
            assertThat(asker.get()).isSameAs(first);
        }
        assertThat(format.encodes.get()).isEqualTo(1);
    }

    @Test
    void eachFormatEncodesItsOwnBytesAndEqualButDistinctBatchesAreDistinct() {
        EncodeCache cache = new EncodeCache();
        Counting a = new Counting(0);
        Counting b = new Counting(1);
        ReadResult batch = batch(1);
        ByteBuffer inA = cache.encode(batch, a);
        cache.encode(batch, a); // asked again before anything else: held
        // A different format of the same batch may take the same slot (the cache is direct-mapped, so an
        // evicted encoding is made again): it is asked last so the counts above do not depend on the slot.
        assertThat(cache.encode(batch, b)).isNotEqualTo(inA);
        cache.encode(batch(1), a); // equal content, another instance: the hub shares instances, not contents
        assertThat(a.encodes.get()).isEqualTo(2);
        assertThat(b.encodes.get()).isEqualTo(1);
    }

    @Test
    void holdsABoundedNumberOfEncodingsAndTheLatestLargeOneApart() {
        EncodeCache cache = new EncodeCache();
        Counting small = new Counting(100);
        Counting large = new Counting(300 * 1024);
        ReadResult big = batch(1_000_000);
        cache.encode(big, large);
        List<ReadResult> batches = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            ReadResult r = batch(i);
            batches.add(r);
            cache.encode(r, small);
        }
        assertThat(small.encodes.get()).isEqualTo(1000);
        cache.encode(batches.get(0), small);
        assertThat(small.encodes.get()).as("an old batch was let go").isEqualTo(1001);
        cache.encode(big, large);
        assertThat(large.encodes.get()).as("the latest large batch is held apart from the small ones").isEqualTo(1);
    }
}
