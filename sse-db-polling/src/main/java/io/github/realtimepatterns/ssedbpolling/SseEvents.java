package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.connection.EncodeCache;
import io.github.realtimepatterns.core.connection.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes the event-stream frames of the wire protocol. Only a fixed set of event names, numeric ids and
 * one-line JSON ever reach the stream, so no payload can inject a field (TRAPS.md: SSE field injection).
 *
 * <p>Stateless and thread-safe; message events are encoded once per batch through the handler's
 * {@link EncodeCache}.
 */
final class SseEvents {

    /** A comment line: keeps proxies from timing the stream out and makes a dead client's socket fail. */
    static final ByteBuffer HEARTBEAT = ByteBuffer.wrap(":\n\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private SseEvents() {
    }

    /** The first bytes of every stream: the reconnect delay hint. */
    static ByteBuffer preamble(Duration retry) {
        return ascii("retry: " + retry.toMillis() + "\n\n");
    }

    /** {@code event: ready} with where the stream starts; its id lets a browser resume from there. */
    static ByteBuffer ready(String epoch, long cursor) {
        String data = WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("epoch", epoch);
            out.writeNumberField("cursor", cursor);
            out.writeEndObject();
        });
        return utf8("id: " + cursor + "\nevent: ready\ndata: " + oneLine(data) + "\n\n");
    }

    /** {@code event: reset}: the cursor could not be honoured; {@code cursor} is where the stream goes on. */
    static ByteBuffer reset(ReadResult batch, long cursor) {
        String data = WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("epoch", batch.epoch());
            out.writeNumberField("cursor", cursor);
            out.writeBooleanField("reset", batch.reset());
            out.writeBooleanField("truncated", batch.truncated());
            out.writeEndObject();
        });
        return utf8("id: " + cursor + "\nevent: reset\ndata: " + oneLine(data) + "\n\n");
    }

    /** Where a batch that could not honour its cursor puts the client: the new head, or before what was kept. */
    static long resetCursor(ReadResult batch) {
        if (batch.truncated() && !batch.messages().isEmpty()) {
            return batch.messages().get(0).id() - 1;
        }
        return batch.cursor();
    }

    /**
     * The message events of a batch, {@code id: N / event: message / data: <message JSON>} each, in one
     * buffer: used through an {@link EncodeCache}, so a batch is encoded once however many streams carry it.
     */
    static final WireFormat MESSAGES = batch -> {
        StringBuilder events = new StringBuilder(batch.messages().size() * 128);
        for (Message m : batch.messages()) {
            events.append("id: ").append(m.id()).append("\nevent: message\ndata: ")
                    .append(oneLine(WireJson.message(m))).append("\n\n");
        }
        return utf8(events.toString());
    };

    /**
     * JSON the store handed back is compact, so it has no raw line breaks; a row written by another program
     * might be pretty-printed. In valid JSON a raw CR or LF can only be whitespace between tokens, so a
     * space keeps the meaning and the event on one line.
     */
    static String oneLine(String json) {
        if (json.indexOf('\n') < 0 && json.indexOf('\r') < 0) {
            return json;
        }
        return json.replace('\r', ' ').replace('\n', ' ');
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
