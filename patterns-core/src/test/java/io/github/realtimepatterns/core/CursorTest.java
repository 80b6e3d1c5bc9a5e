package io.github.realtimepatterns.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CursorTest {

    @Test
    void parsesTheTextARequestCarries() {
        assertThat(Cursor.parse(null, null)).isEqualTo(Cursor.head());
        assertThat(Cursor.parse("E1", null)).isEqualTo(Cursor.of("E1", -1));
        assertThat(Cursor.parse(null, "0")).isEqualTo(Cursor.after(0));
        assertThat(Cursor.parse("a-b_C9", " 42 ")).isEqualTo(Cursor.of("a-b_C9", 42));
        assertThat(Cursor.parse(null, Long.toString(Long.MAX_VALUE)).after()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void refusesMalformedTextNamingTheField() {
        assertRefused(() -> Cursor.parse(null, "abc"), "after", "whole number");
        assertRefused(() -> Cursor.parse(null, ""), "after", "whole number");
        assertRefused(() -> Cursor.parse(null, "1.5"), "after", "whole number");
        assertRefused(() -> Cursor.parse(null, "99999999999999999999"), "after", "whole number");
        assertRefused(() -> Cursor.parse(null, "-1"), "after", ">= 0");
        assertRefused(() -> Cursor.parse("", "1"), "epoch", "1..64");
        assertRefused(() -> Cursor.parse("e".repeat(65), "1"), "epoch", "1..64");
        assertRefused(() -> Cursor.parse("é", "1"), "epoch", "1..64");
        assertRefused(() -> Cursor.parse("a\r\nb", "1"), "epoch", "a??b");
        assertRefused(() -> Cursor.parse(null, "x", "Last-Event-ID"), "Last-Event-ID", "Last-Event-ID must be");
    }

    private static void assertRefused(Runnable parse, String field, String mentions) {
        assertThatThrownBy(parse::run).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(mentions);
        });
    }
}
