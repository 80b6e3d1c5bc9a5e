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
