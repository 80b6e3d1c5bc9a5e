package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.connection.EncodeCache;
import io.github.realtimepatterns.core.connection.WireFormat;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server's frames: JSON text frames built whole (header and UTF-8 payload), unmasked, so the same
 * bytes go to every socket; a batch's message frames are encoded once per node through the handler's
 * {@link EncodeCache}. Stateless and thread-safe.
 */
final class Frames {

    /**
     * The message frames of a batch, one after another in one read-only buffer in direct memory: it is
     * written to every socket, and a heap buffer would be copied to a temporary direct one on each write.
     * Used through an {@link EncodeCache}, so a batch is encoded once however many sockets get it.
     */
    static final WireFormat MESSAGES = batch -> {
        ByteBuffer[] frames = new ByteBuffer[batch.messages().size()];
        int bytes = 0;
        for (int i = 0; i < frames.length; i++) {
            frames[i] = message(batch.messages().get(i));
            bytes += frames[i].remaining();
        }
        ByteBuffer all = ByteBuffer.allocateDirect(bytes);
        for (ByteBuffer frame : frames) {
            all.put(frame);
        }
        return all.flip().asReadOnlyBuffer();
    };

    private Frames() {
    }

    /** {@code {"type":"message","channel":..,"id":..,"data":..,"ts":..}} as a whole text frame. */
    static ByteBuffer message(Message message) {
        return text(WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "message");
            out.writeStringField("channel", message.channel());
            out.writeNumberField("id", message.id());
            out.writeFieldName("data");
            out.writeRawValue(message.data());
            out.writeStringField("ts", message.createdAt().toString());
            out.writeEndObject();
        }));
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
