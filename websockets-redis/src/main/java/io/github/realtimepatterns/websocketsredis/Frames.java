package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server's JSON text frames, encoded once as UTF-8 bytes. A message goes to every socket on the node in
 * the same batch object, so its frames are cached by batch identity and shared (each send takes a duplicate
 * of the buffer). Thread-safe.
 */
final class Frames {

    private static final int SLOTS = 64;
    /** Batches larger than this share one slot of their own, so the cache holds at most 64 x 256 KiB + one batch. */
    private static final long SMALL_BATCH_BYTES = 256 * 1024;

    private record Cached(ReadResult batch, ByteBuffer[] frames) {
    }

    /** The last batch encoded per slot (slot by channel hash): bounded, and no lock on the send path. */
    private final AtomicReferenceArray<Cached> last = new AtomicReferenceArray<>(SLOTS);
    private final AtomicReference<Cached> lastBig = new AtomicReference<>();

    /**
     * The message frames of {@code batch}, encoded on first use and shared read-only: the hub hands the same
     * batch instance to every subscriber of a channel (live and after a store read), so a node encodes each
     * message once however many sockets get it. Callers send duplicates.
     */
    ByteBuffer[] messages(String channel, ReadResult batch) {
        int slot = channel.hashCode() & (SLOTS - 1);
        Cached c = last.get(slot);
        if (c != null && c.batch == batch) {
            return c.frames;
        }
        Cached big = lastBig.get();
        if (big != null && big.batch == batch) {
            return big.frames;
        }
        ByteBuffer[] frames = new ByteBuffer[batch.messages().size()];
        long bytes = 0;
        for (int i = 0; i < frames.length; i++) {
            frames[i] = message(batch.messages().get(i));
            bytes += frames[i].remaining();
        }
        if (bytes <= SMALL_BATCH_BYTES) {
            last.set(slot, new Cached(batch, frames));
        } else {
            lastBig.set(new Cached(batch, frames));
        }
        return frames;
    }

    /**
     * {@code {"type":"message","channel":..,"id":..,"data":..,"ts":..}}, read-only, in direct memory: it is
     * written to every socket, and a heap buffer would be copied to a temporary direct one on each write.
     */
    static ByteBuffer message(Message message) {
        ByteBuffer heap = text(WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "message");
            out.writeStringField("channel", message.channel());
            out.writeNumberField("id", message.id());
            out.writeFieldName("data");
            out.writeRawValue(message.data());
            out.writeStringField("ts", message.createdAt().toString());
            out.writeEndObject();
        }));
        return ByteBuffer.allocateDirect(heap.remaining()).put(heap).flip().asReadOnlyBuffer();
    }

    /** {@code {"type":"reset","channel":..,"epoch":..,"cursor":..,"truncated":..}} for a batch not honoured. */
    static ByteBuffer reset(String channel, ReadResult batch) {
        long cursor = batch.truncated() && !batch.messages().isEmpty()
                ? batch.messages().get(0).id() - 1 : batch.cursor();
        return text(WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "reset");
            out.writeStringField("channel", channel);
            out.writeStringField("epoch", batch.epoch());
            out.writeNumberField("cursor", cursor);
            out.writeBooleanField("truncated", batch.truncated());
            out.writeEndObject();
        }));
    }

    /** {@code {"type":"subscribed","channel":..,"epoch":..,"cursor":..}} after a subscription's join read. */
    static ByteBuffer subscribed(String channel, String epoch, long cursor) {
        return text(WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "subscribed");
            out.writeStringField("channel", channel);
            out.writeStringField("epoch", epoch);
            out.writeNumberField("cursor", cursor);
            out.writeEndObject();
        }));
    }

    /** {@code {"type":"ack","ref":..,"channel":..,"id":..}} after a publish frame was stored. */
    static ByteBuffer ack(JsonNode ref, Message message) {
        return text(WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "ack");
            out.writeFieldName("ref");
            out.writeTree(ref);
            out.writeStringField("channel", message.channel());
            out.writeNumberField("id", message.id());
            out.writeStringField("ts", message.createdAt().toString());
            out.writeEndObject();
        }));
    }

    /** {@code {"type":"error","ref":..,"status":..,"detail":..}} plus {@code channel} when known. */
    static ByteBuffer error(JsonNode ref, String channel, int status, String detail) {
        return text(WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "error");
            out.writeFieldName("ref");
            out.writeTree(ref);
            if (channel != null) {
                out.writeStringField("channel", channel);
            }
            out.writeNumberField("status", status);
            out.writeStringField("detail", detail);
            out.writeEndObject();
        }));
    }

    /** A ping with no payload, read-only and shared: send duplicates. */
    static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {(byte) 0x89, 0}).asReadOnlyBuffer();

    /** A pong echoing {@code payload} (at most 125 bytes, as every control frame). */
    static ByteBuffer pong(ByteBuffer[] payload) {
        int length = 0;
        for (ByteBuffer b : payload) {
            length += b.remaining();
        }
        ByteBuffer frame = header(0xA, Math.min(length, 125));
        for (ByteBuffer b : payload) {
            while (b.hasRemaining() && frame.hasRemaining()) {
                frame.put(b.get());
            }
        }
        return frame.flip();
    }

    /** A close frame with {@code code} and {@code reason} (cut to fit a control frame). */
    static ByteBuffer close(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int reasonLength = Math.min(text.length, 123);
        ByteBuffer frame = header(0x8, 2 + reasonLength);
        frame.putShort((short) code).put(text, 0, reasonLength);
        return frame.flip();
    }

    /**
     * A whole unmasked text frame (header and UTF-8 payload) as the server sends it: the same bytes for every
     * socket, so a message's frame is built once per node and written as is.
     */
    static ByteBuffer text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = header(0x1, payload.length);
        return frame.put(payload).flip();
    }

    /** A buffer holding the header of a final frame of {@code opcode}, with room for {@code length} more bytes. */
    private static ByteBuffer header(int opcode, int length) {
        int headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(headerLength + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) length);
        } else if (length < 65536) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame;
    }
}
