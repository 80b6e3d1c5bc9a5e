package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The HTML standard's event-stream interpretation, fed bytes as they arrive: UTF-8 decoding across chunk
 * boundaries (a leading BOM dropped, bad bytes replaced), lines ended by CRLF, LF or CR (a CR at the end
 * of one chunk and an LF at the start of the next are one line end), {@code :} comments, {@code data}
 * lines joined with LF, {@code id} ignored when it holds NUL, {@code retry} only when all digits, and
 * dispatch on a blank line with the type {@code message} by default. Not thread-safe: one feeder.
 */
final class EventStreamParser {

    /** What the parser found. */
    interface Handler {
        /** A dispatched event; {@code lastEventId} is the stream's last event id after this event. */
        void onEvent(String type, String data, String lastEventId);

        /** A valid {@code retry} field: the reconnection time in milliseconds. */
        void onRetry(long millis);
    }

    private final Handler handler;
    private final int maxLineChars;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private ByteBuffer leftover;
    private boolean atStart = true;
    private boolean afterCr;

    /** A parser handing events to {@code handler}; a line longer than {@code maxLineChars} is an error. */
    EventStreamParser(Handler handler, int maxLineChars) {
        this.handler = handler;
        this.maxLineChars = maxLineChars;
    }

    /** The last event id seen (the spec's "last event ID string"), "" when none. */
    String lastEventId() {
        return lastEventId;
    }

    /**
     * Parses {@code bytes}, dispatching every event completed by them.
     *
     * @throws ProtocolException when a line exceeds the limit
     */
    void feed(ByteBuffer bytes) {
        ByteBuffer in = bytes;
        if (leftover != null) {
            in = ByteBuffer.allocate(leftover.remaining() + bytes.remaining());
            in.put(leftover).put(bytes).flip();
            leftover = null;
        }
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        out.flip();
        if (in.hasRemaining()) {
            leftover = ByteBuffer.allocate(in.remaining());
            leftover.put(in).flip(); // an incomplete UTF-8 sequence: finished by the next chunk
        }
        feed(out);
    }

    /** Parses already decoded text. */
    void feed(CharSequence chars) {
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            if (atStart) {
                atStart = false;
                if (c == '\uFEFF') {
                    continue;
                }
            }
            if (c == '\n' && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = c == '\r';
            if (c == '\r' || c == '\n') {
                processLine();
                line.setLength(0);
            } else {
                if (line.length() >= maxLineChars) {
                    throw new ProtocolException("event-stream", "an event-stream line is longer than "
                            + maxLineChars + " characters");
                }
                line.append(c);
            }
        }
    }

    private void processLine() {
        if (line.length() == 0) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(":");
        String field;
        String value;
        if (colon < 0) {
            field = line.toString();
            value = "";
        } else {
            field = line.substring(0, colon);
            int start = colon + 1;
            if (start < line.length() && line.charAt(start) == ' ') {
                start++;
            }
            value = line.substring(start);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> {
                if (data.length() + value.length() > maxLineChars) {
                    throw new ProtocolException("event-stream", "an event's data is longer than "
                            + maxLineChars + " characters");
                }
                data.append(value).append('\n');
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.length() <= 18 && value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    handler.onRetry(Long.parseLong(value));
                }
            }
            default -> {
                // unknown fields are ignored, as the standard says
            }
        }
    }

    private void dispatch() {
        if (data.length() == 0) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        String type = eventType.isEmpty() ? "message" : eventType;
        String payload = data.toString();
        data.setLength(0);
        eventType = "";
        handler.onEvent(type, payload, lastEventId);
    }
}
