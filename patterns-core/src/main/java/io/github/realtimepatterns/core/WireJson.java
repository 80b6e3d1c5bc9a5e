package io.github.realtimepatterns.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of the wire protocol, shared by servers and clients.
 *
 * <p>A message: {@code {"id":42,"channel":"chat","data":{...},"ts":"2026-11-23T10:15:30.123Z"}}; a read:
 * {@code {"epoch":"E","messages":[...],"cursor":42,"hasMore":false}} plus {@code "reset":true} or
 * {@code "truncated":true}. {@code data} is written raw: it is already compact JSON, so every message
 * fits on one line (control characters inside strings are escaped by the JSON encoder). Thread-safe.
 */
public final class WireJson {

    /** The shared mapper; configured for exact numbers and strict input. Do not reconfigure it. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private WireJson() {
    }

    /**
     * Validates {@code json} as one JSON value and returns it compact (one line, no insignificant space).
     *
     * @throws ProtocolException (field {@code body}) when it is not a single valid JSON value
     */
    public static String compact(String json) {
        if (json == null || json.isBlank()) {
            throw new ProtocolException("body", "body must be a JSON value but was empty");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ProtocolException("body", "body is not valid JSON: " + e.getOriginalMessage() + where);
        }
        if (node == null || node.isMissingNode()) {
            throw new ProtocolException("body", "body must be a JSON value but was empty");
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("re-encoding parsed JSON failed", e);
        }
    }

    /** Writes one message object. */
    public static void writeMessage(JsonGenerator out, Message message) throws IOException {
        out.writeStartObject();
        out.writeNumberField("id", message.id());
        out.writeStringField("channel", message.channel());
        out.writeFieldName("data");
        out.writeRawValue(message.data());
        out.writeStringField("ts", message.createdAt().toString());
        out.writeEndObject();
    }

    /** One message as a JSON object on one line. */
    public static String message(Message message) {
        return write(out -> writeMessage(out, message));
    }

    /** One read result as a JSON object on one line. */
    public static String readResult(ReadResult result) {
        return write(out -> writeReadResultFields(out, result, true));
    }

    /**
     * Writes the fields of {@code result} ({@code epoch, messages, cursor, hasMore, reset?, truncated?}),
     * wrapped in an object when {@code wrap}.
     */
    public static void writeReadResultFields(JsonGenerator out, ReadResult result, boolean wrap) throws IOException {
        if (wrap) {
            out.writeStartObject();
        }
        out.writeStringField("epoch", result.epoch());
        out.writeArrayFieldStart("messages");
        for (Message m : result.messages()) {
            writeMessage(out, m);
        }
        out.writeEndArray();
        out.writeNumberField("cursor", result.cursor());
        out.writeBooleanField("hasMore", result.hasMore());
        if (result.reset()) {
            out.writeBooleanField("reset", true);
        }
        if (result.truncated()) {
            out.writeBooleanField("truncated", true);
        }
        if (wrap) {
            out.writeEndObject();
        }
    }

    /** Something that writes to a generator. */
    @FunctionalInterface
    public interface Writer {
        /** Writes to {@code out}. */
        void write(JsonGenerator out) throws IOException;
    }

    /** Runs {@code writer} on a fresh generator and returns the text. */
    public static String write(Writer writer) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator out = MAPPER.getFactory().createGenerator(text)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * Reads a message object as the server writes it.
     *
     * @throws ProtocolException when a field is missing or has the wrong type
     */
    public static Message parseMessage(JsonNode node) {
        JsonNode id = node.get("id");
        JsonNode channel = node.get("channel");
        JsonNode data = node.get("data");
        JsonNode ts = node.get("ts");
        if (id == null || !id.canConvertToLong() || channel == null || !channel.isTextual() || data == null) {
            throw new ProtocolException("message", "not a message object: " + abbreviate(node.toString()));
        }
        Instant createdAt = ts != null && ts.isTextual() ? Instant.parse(ts.asText()) : Instant.EPOCH;
        try {
            return new Message(channel.asText(), id.asLong(), MAPPER.writeValueAsString(data), createdAt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("re-encoding parsed JSON failed", e);
        }
    }

    /** Reads a message object from its text. */
    public static Message parseMessage(String json) {
        return parseMessage(tree(json));
    }

    /** Reads a read-result object from its text. */
    public static ReadResult parseReadResult(String json) {
        JsonNode node = tree(json);
        JsonNode messages = node.get("messages");
        JsonNode cursor = node.get("cursor");
        if (messages == null || !messages.isArray() || cursor == null || !cursor.canConvertToLong()) {
            throw new ProtocolException("body", "not a read result: " + abbreviate(json));
        }
        List<Message> list = new ArrayList<>(messages.size());
        for (JsonNode m : messages) {
            list.add(parseMessage(m));
        }
        return new ReadResult(node.path("epoch").asText(null), list, cursor.asLong(),
                node.path("hasMore").asBoolean(false), node.path("reset").asBoolean(false),
                node.path("truncated").asBoolean(false));
    }

    /** Parses {@code json} to a tree, as a {@link ProtocolException} when it is not JSON. */
    public static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("body", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
