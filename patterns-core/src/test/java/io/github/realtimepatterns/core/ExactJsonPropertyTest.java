package io.github.realtimepatterns.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random JSON values (numbers in many spellings, unicode, every escape, random whitespace) round-trip through
 * {@link WireJson#compact} unchanged but for insignificant whitespace, and through a message on the wire.
 */
class ExactJsonPropertyTest {

    private static final int CASES = 1500;

    @Test
    void compactRemovesOnlyWhitespaceFromRandomValues() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            Generated value = new Generator(random).value(0);
            String compact = WireJson.compact(value.spaced);
            assertThat(compact).as("seed %d, case %d: %s", seed, i, value.spaced).isEqualTo(value.compact);
            assertThat(WireJson.compact(compact)).as("seed %d, case %d", seed, i).isEqualTo(compact);
            JsonNode sent = WireJson.MAPPER.readTree(value.spaced);
            assertThat(WireJson.MAPPER.readTree(compact)).as("seed %d, case %d", seed, i).isEqualTo(sent);
        }
    }

    @Test
    void randomValuesCrossTheWireUnchanged() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            String data = WireJson.compact(new Generator(random).value(0).spaced);
            Message message = new Message("c", i + 1, data, Instant.parse("2026-11-23T10:15:30.123Z"));
            assertThat(WireJson.parseMessage(WireJson.message(message))).as("seed %d, case %d", seed, i)
                    .isEqualTo(message);
            ReadResult batch = new ReadResult("e", List.of(message), i + 1, false, false, false);
            assertThat(WireJson.parseReadResult(WireJson.readResult(batch))).as("seed %d, case %d", seed, i)
                    .isEqualTo(batch);
        }
    }

    /** A value as sent (with random whitespace) and as it must be stored. */
    private record Generated(String spaced, String compact) {
    }

    private static final class Generator {
        private static final String[] WHITESPACE = {"", "", "", " ", "\n", "\t", "\r\n", "  "};
        private static final String[] ESCAPES = {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"};
        private final Random random;

        Generator(Random random) {
            this.random = random;
        }

        Generated value(int depth) {
            int kind = random.nextInt(depth > 4 ? 4 : 6);
            Generated inner = switch (kind) {
                case 0 -> literal();
                case 1, 2 -> number();
                case 3 -> string();
                case 4 -> array(depth);
                default -> object(depth);
            };
            String ws1 = ws();
            String ws2 = ws();
            return new Generated(ws1 + inner.spaced + ws2, inner.compact);
        }

        private String ws() {
            return WHITESPACE[random.nextInt(WHITESPACE.length)];
        }

        private Generated literal() {
            String s = List.of("true", "false", "null").get(random.nextInt(3));
            return new Generated(s, s);
        }

        private Generated number() {
            StringBuilder n = new StringBuilder();
            if (random.nextBoolean()) {
                n.append('-');
            }
            n.append(random.nextInt(4) == 0 ? "0" : digits(1 + random.nextInt(random.nextInt(8) == 0 ? 40 : 6), true));
            if (random.nextBoolean()) {
                n.append('.').append(digits(1 + random.nextInt(random.nextInt(8) == 0 ? 40 : 4), false));
                if (random.nextInt(4) == 0) {
                    n.append("0".repeat(1 + random.nextInt(3))); // trailing zeros: 19.90, 100.0
                }
            }
            if (random.nextInt(3) == 0) {
                n.append(random.nextBoolean() ? 'e' : 'E');
                n.append(List.of("", "+", "-").get(random.nextInt(3)));
                n.append(random.nextInt(4) == 0 ? "0" : "").append(digits(1 + random.nextInt(4), false));
            }
            return new Generated(n.toString(), n.toString());
        }

        private String digits(int count, boolean nonZeroFirst) {
            StringBuilder d = new StringBuilder();
            for (int i = 0; i < count; i++) {
                d.append((char) ((i == 0 && nonZeroFirst ? '1' : '0') + random.nextInt(i == 0 && nonZeroFirst ? 9 : 10)));
            }
            return d.toString();
        }

        private Generated string() {
            StringBuilder s = new StringBuilder("\"");
            int length = random.nextInt(random.nextInt(6) == 0 ? 60 : 8);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(9)) {
                    case 0 -> s.append(ESCAPES[random.nextInt(ESCAPES.length)]);
                    case 1 -> s.append(unicodeEscape(random.nextInt(0xD800)));
                    case 2 -> {
                        int cp = 0x10000 + random.nextInt(0x100000); // an escaped surrogate pair
                        s.append(unicodeEscape(Character.highSurrogate(cp))).append(unicodeEscape(Character.lowSurrogate(cp)));
                    }
                    case 3 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000)); // a raw astral character
                    case 4 -> s.append((char) (0xE000 + random.nextInt(0x2000))); // private use, U+FFFE, U+FFFF
                    case 5 -> s.append(List.of("\u2028", "\u2029", "\u00e9", "e\u0301", "\u4e16", "\u0085", "\u007f")
                            .get(random.nextInt(7)));
                    default -> s.append(safeAscii());
                }
            }
            s.append('"');
            return new Generated(s.toString(), s.toString());
        }

        private char safeAscii() {
            char c;
            do {
                c = (char) (0x20 + random.nextInt(0x5f));
            } while (c == '"' || c == '\\');
            return c;
        }

        private String unicodeEscape(int unit) {
            String hex = String.format("%04x", unit);
            return "\\u" + (random.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT));
        }

        private Generated array(int depth) {
            int n = random.nextInt(5);
            StringBuilder spaced = new StringBuilder("[").append(ws());
            StringBuilder compact = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                Generated v = value(depth + 1);
                spaced.append(i == 0 ? "" : ",").append(v.spaced);
                compact.append(i == 0 ? "" : ",").append(v.compact);
            }
            return new Generated(spaced.append(']').toString(), compact.append(']').toString());
        }

        private Generated object(int depth) {
            int n = random.nextInt(5);
            StringBuilder spaced = new StringBuilder("{").append(ws());
            StringBuilder compact = new StringBuilder("{");
            for (int i = 0; i < n; i++) {
                Generated key = string();
                // Keys must be distinct after decoding: the index, spelled plainly, keeps them apart.
                String spelled = key.spaced.substring(0, key.spaced.length() - 1) + "#" + i + "\"";
                Generated v = value(depth + 1);
                spaced.append(i == 0 ? "" : ",").append(ws()).append(spelled).append(ws()).append(':').append(v.spaced);
                compact.append(i == 0 ? "" : ",").append(spelled).append(':').append(v.compact);
            }
            return new Generated(spaced.append('}').toString(), compact.append('}').toString());
        }
    }
}
