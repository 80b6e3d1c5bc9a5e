package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's JSON text frames, encoded once as UTF-8 bytes. A live message goes to every socket on the
 * node as the same batch object, so its frame is cached by identity and shared (each send takes a
 * duplicate of the buffer). Thread-safe.
 */
final class Frames {

    private record Cached(Message message, ByteBuffer frame) {
    }

    private final AtomicReference<Cached> last = new AtomicReference<>();

    /** {@code {"type":"message","channel":..,"id":..,"data":..,"ts":..}}, shared read-only. */
    ByteBuffer message(Message message) {
        Cached c = last.get();
        if (c != null && c.message == message) {
            return c.frame.duplicate();
        }
        ByteBuffer frame = utf8(WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", "message");
            out.writeStringField("channel", message.channel());
            out.writeNumberField("id", message.id());
            out.writeFieldName("data");
            out.writeRawValue(message.data());
            out.writeStringField("ts", message.createdAt().toString());
            out.writeEndObject();
        })).asReadOnlyBuffer();
        last.set(new Cached(message, frame));
        return frame.duplicate();
    }

    /** {@code {"type":"reset","channel":..,"epoch":..,"cursor":..,"truncated":..}} for a batch not honoured. */
    static ByteBuffer reset(String channel, ReadResult batch) {
        long cursor = batch.truncated() && !batch.messages().isEmpty()
                ? batch.messages().get(0).id() - 1 : batch.cursor();
        return utf8(WireJson.write(out -> {
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
        return utf8(WireJson.write(out -> {
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
        return utf8(WireJson.write(out -> {
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
        return utf8(WireJson.write(out -> {
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

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
