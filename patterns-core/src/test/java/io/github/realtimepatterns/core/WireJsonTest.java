package io.github.realtimepatterns.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireJsonTest {

    @Test
    void compactsAnyJsonValueToOneLine() {
        assertThat(WireJson.compact("{ \"a\" : [1, 2,\n 3] }")).isEqualTo("{\"a\":[1,2,3]}");
        assertThat(WireJson.compact(" \"text\" ")).isEqualTo("\"text\"");
        assertThat(WireJson.compact("42")).isEqualTo("42");
        assertThat(WireJson.compact("null")).isEqualTo("null");
    }

    @Test
    void keepsNumbersExact() {
        assertThat(WireJson.compact("{\"x\":0.1000000000000000055511151231257827,\"big\":123456789012345678901234567890}"))
                .isEqualTo("{\"x\":0.1000000000000000055511151231257827,\"big\":123456789012345678901234567890}");
    }

    @Test
    void keepsEveryNumberAndStringAsSpelled() {
        assertThat(WireJson.compact("[100.0, -0.0, 1E+2, 1e-0, 0.10]")).isEqualTo("[100.0,-0.0,1E+2,1e-0,0.10]");
        assertThat(WireJson.compact("{ \"price\" : 19.90 }")).isEqualTo("{\"price\":19.90}");
        assertThat(WireJson.compact("\"\\u00E9\\/\u00e9 \\ud83c\\udf89\ud83c\udf89\""))
                .isEqualTo("\"\\u00E9\\/\u00e9 \\ud83c\\udf89\ud83c\udf89\"");
    }

    @Test
    void refusesStringsThatAreNotUnicodeNamingData() {
        for (String bad : List.of("[100.0,-0.0,\"\\ud800\"]", "\"\\udc00\"", "\"\\ud800x\"", "\"\\ud800\\u0041\"",
                "\"\ud800\"", "\"a\udc00\"", "{\"\\ud800\":1}")) {
            assertThatThrownBy(() -> WireJson.compact(bad)).as(bad).isInstanceOfSatisfying(ProtocolException.class,
                    e -> {
                        assertThat(e.field()).isEqualTo("data");
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("surrogate");
                    });
        }
    }

    @Test
    void refusesNumbersBeyondWhatParsersAcceptNamingData() {
        for (String bad : List.of("1e2147483648", "[1E-2147483649]", "{\"x\":1e1000000000}", "9".repeat(1001))) {
            assertThatThrownBy(() -> WireJson.compact(bad)).as(bad).isInstanceOfSatisfying(ProtocolException.class,
                    e -> assertThat(e.field()).isEqualTo("data"));
        }
        assertThat(WireJson.compact("1e999999999")).isEqualTo("1e999999999");
        assertThat(WireJson.compact("9".repeat(1000))).isEqualTo("9".repeat(1000));
    }

    @Test
    void refusesWhatJsonDoesNotAllow() {
        for (String bad : List.of("01", "-", "1.", ".5", "+1", "1e", "1e+", "[1,]", "{\"a\"}", "{\"a\":1,}", "tru", "nul",
                "\"a\nb\"", "\"\\x\"", "\"\\u12g4\"", "'a'", "[1 2]", "{1:2}", "NaN", "Infinity", "\"unterminated",
                "\ufeff1", "[", "]", "{\"a\":1}}", "\u00a01")) {
            assertThatThrownBy(() -> WireJson.compact(bad)).as(bad).isInstanceOfSatisfying(ProtocolException.class,
                    e -> assertThat(e.field()).isEqualTo("data"));
        }
    }

    @Test
    void membersGiveEachTopLevelValueAsSent() {
        assertThat(WireJson.members("{ \"type\" : \"publish\", \"data\" : [100.0, -0.0], \"ref\":7 }"))
                .containsExactly(java.util.Map.entry("type", "\"publish\""), java.util.Map.entry("data", "[100.0,-0.0]"),
                        java.util.Map.entry("ref", "7"));
        assertThat(WireJson.members("[1]")).isNull();
        assertThatThrownBy(() -> WireJson.members("{\"ref\":1,\"data\":\"\\ud800\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("data"));
    }

    @Test
    void escapesControlCharactersSoAMessageStaysOnOneLine() {
        String compact = WireJson.compact("\"a\\nb\\rc\\u2028d\"");
        assertThat(compact).doesNotContain("\n").doesNotContain("\r");
        assertThat(WireJson.tree(compact).asText()).isEqualTo("a\nb\rc\u2028d");
    }

    @Test
    void refusesWhatIsNotExactlyOneJsonValue() {
        assertThatThrownBy(() -> WireJson.compact("{\"a\":")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> WireJson.compact("{} {}")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> WireJson.compact("   ")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> WireJson.compact("{\"a\":1,\"a\":2}")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> WireJson.compact("[".repeat(500) + "]".repeat(500)))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void writesDataRawAndReadsItBack() {
        Message m = new Message("chat", 42, "{\"text\":\"hi\"}", Instant.parse("2026-11-23T10:15:30.123Z"));
        String json = WireJson.message(m);
        assertThat(json).isEqualTo("{\"id\":42,\"channel\":\"chat\",\"data\":{\"text\":\"hi\"},"
                + "\"ts\":\"2026-11-23T10:15:30.123Z\"}");
        assertThat(WireJson.parseMessage(json)).isEqualTo(m);
        Message exact = new Message("chat", 43, "[100.0,-0.0,{\"price\":19.90},\"\\u00e9\"]", Instant.EPOCH);
        assertThat(WireJson.parseMessage(WireJson.message(exact)).data()).isEqualTo(exact.data());
        ReadResult batch = new ReadResult("e", List.of(exact), 43, false, false, false);
        assertThat(WireJson.parseReadResult(WireJson.readResult(batch)).messages()).containsExactly(exact);
    }

    @Test
    void readResultsCarryResetAndTruncatedOnlyWhenSet() {
        Message m = new Message("c", 7, "1", Instant.EPOCH);
        ReadResult plain = new ReadResult("e1", List.of(m), 7, true, false, false);
        String json = WireJson.readResult(plain);
        assertThat(json).doesNotContain("reset").doesNotContain("truncated");
        assertThat(WireJson.parseReadResult(json)).isEqualTo(plain);
        ReadResult reset = new ReadResult("e2", List.of(), 3, false, true, false);
        assertThat(WireJson.readResult(reset)).contains("\"reset\":true");
        assertThat(WireJson.parseReadResult(WireJson.readResult(reset))).isEqualTo(reset);
    }

    @Test
    void channelNamesFollowTheRule() {
        assertThat(Channels.isValid("user.alice:inbox_1-2")).isTrue();
        assertThat(Channels.isValid("x".repeat(128))).isTrue();
        assertThat(Channels.isValid("x".repeat(129))).isFalse();
        assertThat(Channels.isValid("")).isFalse();
        assertThat(Channels.isValid("a b")).isFalse();
        assertThat(Channels.isValid("ä")).isFalse();
        assertThatThrownBy(() -> Channels.validate("a/b")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("[A-Za-z0-9_.:-]{1,128}").hasMessageContaining("a/b");
    }
}
