package io.github.realtimepatterns.core.connection;

import io.github.realtimepatterns.core.ReadResult;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Encodes each batch at most once per wire format, however many connections carry it. The hub hands every
 * subscriber (and every waiting {@code next}) of a channel at the same cursor the same {@link ReadResult}
 * instance, so a batch is found by identity and format, and its bytes are shared read-only: send
 * duplicates ({@link Outbox#send} takes them itself).
 *
 * <p>Bounded: it keeps the latest encodings in 64 slots of at most 256 KiB each, plus the latest larger
 * one; an older batch asked for again is encoded again. Lookups take no lock; the first encoding of a
 * batch runs once while others asking for it wait. Thread-safe.
 */
public final class EncodeCache {

    private static final int SLOTS = 64;
    /** Encodings larger than this share one slot of their own: at most 64 x 256 KiB + one batch are held. */
    private static final long SMALL_BYTES = 256 * 1024;

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);
    private final AtomicReference<Entry> big = new AtomicReference<>();
    private final LongAdder encodings = new LongAdder();

    /**
     * The bytes of {@code batch} in {@code format}, read-only and shared: encoded on first use, then the
     * same buffer for as long as the cache holds it. Do not change its position; send duplicates.
     *
     * @param batch the messages, in id order
     * @param format the wire format
     * @return the bytes of {@code batch} in {@code format}, read-only and shared: encoded on first use, then the
     *         same buffer for as long as the cache holds it
     */
    public ByteBuffer encode(ReadResult batch, WireFormat format) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(format, "format");
        int slot = slotOf(batch, format);
        Entry entry = find(slot, batch, format);
        if (entry == null) {
            synchronized (this) {
                entry = find(slot, batch, format);
                if (entry == null) {
                    entry = new Entry(batch, format);
                    slots.set(slot, entry);
                }
            }
        }
        ByteBuffer bytes = entry.bytes();
        if (bytes.remaining() > SMALL_BYTES && slots.get(slot) == entry) {
            synchronized (this) {
                if (slots.get(slot) == entry) {
                    big.set(entry); // before leaving the slot, so a lookup finds it in one place or the other
                    slots.set(slot, null);
                }
            }
        }
        return bytes;
    }

    /**
     * Batches encoded since start (each a cache miss): what a node paid to put its messages on the wire.
     *
     * @return batches encoded since start (each a cache miss): what a node paid to put its messages on the wire
     */
    public long encodings() {
        return encodings.sum();
    }

    private Entry find(int slot, ReadResult batch, WireFormat format) {
        Entry e = slots.get(slot);
        if (e != null && e.batch == batch && e.format == format) {
            return e;
        }
        e = big.get();
        return e != null && e.batch == batch && e.format == format ? e : null;
    }

    private static int slotOf(ReadResult batch, WireFormat format) {
        int h = System.identityHashCode(batch) * 0x9E3779B9 + System.identityHashCode(format);
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    /** One batch in one format, encoded once by whoever asks first. */
    private final class Entry {
        final ReadResult batch;
        final WireFormat format;
        private volatile ByteBuffer bytes; // written once, under this

        Entry(ReadResult batch, WireFormat format) {
            this.batch = batch;
            this.format = format;
        }

        ByteBuffer bytes() {
            ByteBuffer b = bytes;
            if (b != null) {
                return b;
            }
            synchronized (this) {
                if (bytes == null) {
                    bytes = format.encode(batch).asReadOnlyBuffer();
                    encodings.increment();
                }
                return bytes;
            }
        }
    }
}
