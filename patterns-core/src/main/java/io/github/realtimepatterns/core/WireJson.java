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
import java.util.Map;

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
     * Validates {@code json} as one JSON value and returns it as sent, without insignificant whitespace: one
     * line, every number and string spelled exactly as in {@code json} ({@code [100.0,-0.0]} stays
     * {@code [100.0,-0.0]}, {@code "\u00E9"} stays escaped), so every subscriber receives what the publisher
     * sent. What cannot round-trip through a JSON parser unchanged is refused: lone surrogates ({@code
     * "\ud800"}), numbers longer than 1000 characters or with an exponent beyond 999999999 in magnitude
     * ({@code 1e2147483648}), nesting deeper than 200, and an object naming a member twice.
     *
     * @param json the message data, a JSON value as text
     * @return {@code json} as sent, without insignificant whitespace
     * @throws ProtocolException (400, field {@code data}) when it is not a single valid JSON value, or one
     *                           that cannot be stored exactly
     */
    public static String compact(String json) {
        if (json == null || json.isBlank()) {
            throw new ProtocolException("data", "data must be a JSON value but the body was empty");
        }
        return ExactJson.compact(json, "data");
    }

    /**
     * The members of a JSON object, each value validated like {@link #compact} and given as sent without
     * insignificant whitespace, in their order: how a frame's {@code data} is taken exactly as the client
     * wrote it. {@code null} when {@code json} is valid JSON but not an object.
     *
     * @param json the message data, a JSON value as text
     * @return the members of a JSON object, each value validated like {@link #compact} and given as sent without
     *         insignificant whitespace, in their order: how a frame's {@code data} is taken exactly as the client
     *         wrote it
     * @throws ProtocolException (400) when {@code json} is not one valid JSON value, or holds one that
     *                           cannot be stored exactly; a failure inside a member's value names that
     *                           member (e.g. {@code data}), others name {@code frame}
     */
    public static Map<String, String> members(String json) {
        if (json == null || json.isBlank()) {
            throw new ProtocolException("frame", "frame must be a JSON object but was empty");
        }
        return ExactJson.members(json, "frame");
    }

    /**
     * Writes one message object.
     *
     * @param out the generator to write to
     * @param message the message
     * @throws java.io.IOException when {@code out} cannot write
     */
    public static void writeMessage(JsonGenerator out, Message message) throws IOException {
        out.writeStartObject();
        out.writeNumberField("id", message.id());
        out.writeStringField("channel", message.channel());
        out.writeFieldName("data");
        out.writeRawValue(message.data());
        out.writeStringField("ts", message.createdAt().toString());
        out.writeEndObject();
    }

    /**
     * One message as a JSON object on one line.
     *
     * @param message the message
     * @return one message as a JSON object on one line
     */
    public static String message(Message message) {
        return write(out -> writeMessage(out, message));
    }

    /**
     * One read result as a JSON object on one line.
     *
     * @param result the result
     * @return one read result as a JSON object on one line
     */
    public static String readResult(ReadResult result) {
        return write(out -> writeReadResultFields(out, result, true));
    }

    /**
     * Writes the fields of {@code result} ({@code epoch, messages, cursor, hasMore, reset?, truncated?}),
     * wrapped in an object when {@code wrap}.
     *
     * @param out the generator to write to
     * @param result the result
     * @param wrap whether to write the enclosing object too
     * @throws java.io.IOException when {@code out} cannot write
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
        /**
         * Writes to {@code out}.
         *
         * @param out the generator to write to
         * @throws java.io.IOException when {@code out} cannot write
         */
        void write(JsonGenerator out) throws IOException;
    }

    /**
     * Runs {@code writer} on a fresh generator and returns the text.
     *
     * @param writer what writes the JSON
     * @return the text written
     */
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
     * Reads a message object from a tree. Jackson has already decoded {@code data} here, so it comes back
     * re-encoded ({@code 100.0} as {@code 1E+2}): read from the text with {@link #parseMessage(String)} to
     * get it exactly as sent.
     *
     * @param node the JSON tree
     * @return the message
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

    /**
     * Reads a message object from its text (members other than {@code id}, {@code channel}, {@code data} and
     * {@code ts} are ignored), with {@code data} exactly as it is in the text.
     *
     * @param json the message data, a JSON value as text
     * @return the message
     * @throws ProtocolException when it is not JSON or a field is missing or has the wrong type
     */
    public static Message parseMessage(String json) {
        Map<String, String> members = ExactJson.members(json, "message");
        if (members == null) {
            throw new ProtocolException("message", "not a message object: " + abbreviate(json));
        }
        return message(members, json);
    }

    private static Message message(Map<String, String> members, String json) {
        JsonNode id = scalar(members.get("id"));
        JsonNode channel = scalar(members.get("channel"));
        JsonNode ts = scalar(members.get("ts"));
        String data = members.get("data");
        if (id == null || !id.canConvertToLong() || channel == null || !channel.isTextual() || data == null) {
            throw new ProtocolException("message", "not a message object: " + abbreviate(json));
        }
        Instant createdAt = ts != null && ts.isTextual() ? Instant.parse(ts.asText()) : Instant.EPOCH;
        return new Message(channel.asText(), id.asLong(), data, createdAt);
    }

    /**
     * Reads a read-result object from its text, each message's {@code data} exactly as in the text.
     *
     * @param json the message data, a JSON value as text
     * @return the read result
     */
    public static ReadResult parseReadResult(String json) {
        Map<String, String> members = ExactJson.members(json, "body");
        String messages = members == null ? null : members.get("messages");
        JsonNode cursor = members == null ? null : scalar(members.get("cursor"));
        if (messages == null || !messages.startsWith("[") || cursor == null || !cursor.canConvertToLong()) {
            throw new ProtocolException("body", "not a read result: " + abbreviate(json));
        }
        List<Message> list = new ArrayList<>();
        for (String m : ExactJson.elements(messages, "messages")) {
            Map<String, String> fields = ExactJson.members(m, "message");
            if (fields == null) {
                throw new ProtocolException("message", "not a message object: " + abbreviate(m));
            }
            list.add(message(fields, m));
        }
        JsonNode epoch = scalar(members.get("epoch"));
        return new ReadResult(epoch != null && epoch.isTextual() ? epoch.asText() : null, list, cursor.asLong(),
                "true".equals(members.get("hasMore")), "true".equals(members.get("reset")),
                "true".equals(members.get("truncated")));
    }

    /** A member's value (small: a number, string or literal) as a tree, {@code null} when absent. */
    private static JsonNode scalar(String json) {
        return json == null ? null : tree(json);
    }

    /**
     * Parses {@code json} to a tree, as a {@link ProtocolException} when it is not JSON.
     *
     * @param json the message data, a JSON value as text
     * @return the tree
     */
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
