package io.github.realtimepatterns.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates JSON text (RFC 8259) and gives it back without insignificant whitespace, every token exactly as
 * it was spelled: numbers and strings are copied, never decoded and re-encoded, so {@code 100.0}, {@code -0.0},
 * {@code 19.90} and {@code "\u00E9"} stay what they were.
 *
 * <p>Refused besides what RFC 8259 forbids: what cannot round-trip through the JSON parsers of our clients
 * and subscribers. Strings must be valid Unicode (no lone surrogate, escaped or raw); a number may have at
 * most {@value #MAX_NUMBER_LENGTH} characters and an exponent of at most {@value #MAX_EXPONENT} in magnitude
 * (Jackson fails on exponents beyond the {@code int} range, {@code 1e2147483648}); values nest at most
 * {@value #MAX_DEPTH} deep; an object names each member once. Stateless between calls; thread-safe.
 */
final class ExactJson {

    /** Deepest nesting of arrays and objects (Jackson's default limit is 1000; ours is stricter). */
    static final int MAX_DEPTH = 200;
    /** Longest number token, in characters (Jackson's default {@code maxNumberLength}). */
    static final int MAX_NUMBER_LENGTH = 1000;
    /** Largest exponent magnitude in a number ({@code 1e999999999} is accepted, {@code 1e1000000000} not). */
    static final int MAX_EXPONENT = 999_999_999;

    private final String in;
    private final StringBuilder out;
    private String field; // the name failures carry: the caller's, or the top-level member being read
    private int pos;
    private int depth;

    private ExactJson(String in, String field) {
        this.in = in;
        this.field = field;
        this.out = new StringBuilder(in.length());
    }

    /**
     * {@code text} validated as one JSON value, without insignificant whitespace.
     *
     * @param field the name failures carry (the request field holding the text)
     * @throws ProtocolException (400, {@code field}) when {@code text} is not one valid JSON value
     */
    static String compact(String text, String field) {
        ExactJson scan = start(text, field);
        scan.value();
        scan.end();
        return scan.out.toString();
    }

    /**
     * The members of {@code text}, a JSON object, each value validated and compact, in their order; {@code
     * null} when {@code text} is a valid JSON value that is not an object.
     *
     * @param field the name failures outside any member's value carry; a failure inside a member's value
     *              carries that member's name (when it is a plain name of letters, digits and {@code _})
     * @throws ProtocolException (400) when {@code text} is not one valid JSON value
     */
    static Map<String, String> members(String text, String field) {
        ExactJson scan = start(text, field);
        if (scan.peek() != '{') {
            scan.value();
            scan.end();
            return null;
        }
        Map<String, String> members = new LinkedHashMap<>();
        scan.object((name, from) -> members.put(name, scan.out.substring(from)));
        scan.end();
        return members;
    }

    /**
     * The elements of {@code text}, a JSON array, each validated and compact, in order.
     *
     * @throws ProtocolException (400, {@code field}) when {@code text} is not a valid JSON array
     */
    static List<String> elements(String text, String field) {
        ExactJson scan = start(text, field);
        if (scan.peek() != '[') {
            throw scan.invalid("expected an array");
        }
        List<String> elements = new ArrayList<>();
        scan.array(from -> elements.add(scan.out.substring(from)));
        scan.end();
        return elements;
    }

    private static ExactJson start(String text, String field) {
        if (text == null || text.chars().allMatch(ExactJson::whitespace)) {
            throw new ProtocolException(field, field + " must be a JSON value but was empty");
        }
        ExactJson scan = new ExactJson(text, field);
        scan.skipWhitespace();
        return scan;
    }

    private void end() {
        skipWhitespace();
        if (pos < in.length()) {
            throw invalid("more after the JSON value");
        }
    }

    // ---------------------------------------------------------------- values

    private void value() {
        switch (peek()) {
            case '{' -> object(null);
            case '[' -> array(null);
            case '"' -> string(null);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            case -1 -> throw invalid("unexpected end of input");
            default -> {
                int c = peek();
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw invalid("unexpected character " + describe(c));
                }
            }
        }
    }

    /** Sees each member after its value is written (its name and where its value starts in the output). */
    private interface MemberSink {
        void member(String name, int from);
    }

    /** Sees each element after it is written (where it starts in the output). */
    private interface ElementSink {
        void element(int from);
    }

    private void object(MemberSink sink) {
        enter();
        pos++;
        out.append('{');
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            out.append('}');
            depth--;
            return;
        }
        Set<String> names = new HashSet<>();
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw invalid(peek() == -1 ? "unexpected end of input in an object" : "expected a member name in quotes but found "
                        + describe(peek()));
            }
            StringBuilder name = new StringBuilder();
            int nameAt = pos;
            string(name);
            if (!names.add(name.toString())) {
                pos = nameAt;
                throw invalid("duplicate member name \"" + shorten(name.toString()) + "\"");
            }
            skipWhitespace();
            expect(':', "':' after a member name");
            out.append(':');
            skipWhitespace();
            int from = out.length();
            if (sink == null) {
                value();
            } else {
                String outer = field;
                if (plainName(name.toString())) {
                    field = name.toString();
                }
                value();
                field = outer;
                sink.member(name.toString(), from);
            }
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ',') {
                out.append(',');
            } else if (c == '}') {
                out.append('}');
                depth--;
                return;
            } else {
                pos--;
                throw invalid(c == -1 ? "unexpected end of input in an object" : "expected ',' or '}' but found "
                        + describe(c));
            }
        }
    }

    private void array(ElementSink sink) {
        enter();
        pos++;
        out.append('[');
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            out.append(']');
            depth--;
            return;
        }
        while (true) {
            skipWhitespace();
            int from = out.length();
            value();
            if (sink != null) {
                sink.element(from);
            }
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ',') {
                out.append(',');
            } else if (c == ']') {
                out.append(']');
                depth--;
                return;
            } else {
                pos--;
                throw invalid(c == -1 ? "unexpected end of input in an array" : "expected ',' or ']' but found "
                        + describe(c));
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw invalid("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** Copies a string token as spelled; decodes it into {@code decoded} when given (member names). */
    private void string(StringBuilder decoded) {
        int start = pos;
        pos++; // the opening quote
        boolean highPending = false; // the last code unit was a high surrogate (escaped or raw)
        int highAt = 0;
        while (true) {
            if (pos >= in.length()) {
                pos = start;
                throw invalid("string not terminated");
            }
            char c = in.charAt(pos);
            char unit;
            int at = pos;
            if (c == '"') {
                if (highPending) {
                    throw loneSurrogate(highAt);
                }
                pos++;
                out.append(in, start, pos);
                return;
            } else if (c == '\\') {
                unit = escape();
            } else if (c < 0x20) {
                throw invalid("control character " + describe(c) + " in a string must be escaped");
            } else {
                unit = c;
                pos++;
            }
            if (Character.isHighSurrogate(unit)) {
                if (highPending) {
                    throw loneSurrogate(highAt);
                }
                highPending = true;
                highAt = at;
            } else if (Character.isLowSurrogate(unit)) {
                if (!highPending) {
                    throw loneSurrogate(at);
                }
                highPending = false;
            } else if (highPending) {
                throw loneSurrogate(highAt);
            }
            if (decoded != null) {
                decoded.append(unit);
            }
        }
    }

    /** Reads one escape at {@code pos} (the backslash) and returns the code unit it stands for. */
    private char escape() {
        int at = pos;
        pos++;
        int c = peek();
        pos++;
        switch (c) {
            case '"':
                return '"';
            case '\\':
                return '\\';
            case '/':
                return '/';
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                int value = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = hex(peek());
                    if (digit < 0) {
                        pos = at;
                        throw invalid("\\u must be followed by four hex digits");
                    }
                    value = value * 16 + digit;
                    pos++;
                }
                return (char) value;
            default:
                pos = at;
                throw invalid(c == -1 ? "string not terminated" : "invalid escape \\" + (char) c);
        }
    }

    private ProtocolException loneSurrogate(int at) {
        pos = at;
        String unit = in.charAt(at) == '\\' ? in.substring(at, Math.min(in.length(), at + 6))
                : String.format("\\u%04x", (int) in.charAt(at));
        return new ProtocolException(field, field + " cannot be stored exactly: " + unit
                + " is a lone surrogate (strings must be valid Unicode) " + where());
    }

    private void number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (digit(peek())) {
            skipDigits();
        } else {
            throw invalid("a number needs a digit after '-'");
        }
        if (peek() == '.') {
            pos++;
            if (!digit(peek())) {
                throw invalid("a number needs a digit after '.'");
            }
            skipDigits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digit(peek())) {
                throw invalid("a number needs a digit in its exponent");
            }
            int digitsFrom = pos;
            skipDigits();
            String exponent = in.substring(digitsFrom, pos).replaceFirst("^0+(?=.)", "");
            if (exponent.length() > 9 || Integer.parseInt(exponent) > MAX_EXPONENT) {
                int end = pos;
                pos = start;
                throw new ProtocolException(field, field + " has a number beyond what this server accepts: "
                        + shorten(in.substring(start, end)) + " (exponents are limited to " + MAX_EXPONENT + ") "
                        + where());
            }
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            pos = start;
            throw new ProtocolException(field, field + " has a number beyond what this server accepts: it is "
                    + "longer than " + MAX_NUMBER_LENGTH + " characters " + where());
        }
        if (digit(peek()) || peek() == '.' || peek() == 'e' || peek() == 'E' || peek() == '+' || peek() == '-') {
            throw invalid("leading zeros and signs are not allowed in numbers");
        }
        out.append(in, start, pos);
    }

    private void skipDigits() {
        while (digit(peek())) {
            pos++;
        }
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        if (!in.startsWith(word, pos)) {
            throw invalid("unexpected character " + describe(peek()));
        }
        pos += word.length();
        out.append(word);
    }

    // ---------------------------------------------------------------- helpers

    private int peek() {
        return pos < in.length() ? in.charAt(pos) : -1;
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw invalid("expected " + what + " but found " + (peek() == -1 ? "the end" : describe(peek())));
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < in.length() && whitespace(in.charAt(pos))) {
            pos++;
        }
    }

    private static boolean whitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private ProtocolException invalid(String what) {
        return new ProtocolException(field, field + " is not valid JSON: " + what + " " + where());
    }

    /** "at line L, column C" of {@code pos}, both from 1. */
    private String where() {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos && i < in.length(); i++) {
            if (in.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "at line " + line + ", column " + (pos - lineStart + 1);
    }

    private static String describe(int c) {
        if (c == -1) {
            return "the end";
        }
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }

    private static boolean plainName(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
