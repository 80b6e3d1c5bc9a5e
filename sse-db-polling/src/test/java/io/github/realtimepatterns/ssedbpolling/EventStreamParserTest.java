package io.github.realtimepatterns.ssedbpolling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamParserTest {

    private final List<String> events = new ArrayList<>();
    private final List<Long> retries = new ArrayList<>();
    private final EventStreamParser parser = new EventStreamParser(new EventStreamParser.Handler() {
        @Override
        public void onEvent(String type, String data, String lastEventId) {
            events.add(type + "|" + data + "|" + lastEventId);
        }

        @Override
        public void onRetry(long millis) {
            retries.add(millis);
        }
    }, 1000);

    private void feedBytes(String text, int chunk) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            parser.feed(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)));
        }
    }

    @Test
    void linesEndWithLfCrOrCrlfEvenSplitAcrossChunks() {
        feedBytes("data: a\r\n\r\ndata: b\r\rdata: c\n\n", 1);
        assertThat(events).containsExactly("message|a|", "message|b|", "message|c|");
    }

    @Test
    void dataLinesJoinWithLfAndTheTypeDefaultsToMessage() {
        feedBytes("event: ready\ndata: 1\ndata:2\ndata\n\nid: 7\ndata: x\n\n", 3);
        assertThat(events).containsExactly("ready|1\n2\n|", "message|x|7");
    }

    @Test
    void commentsAndUnknownFieldsAreIgnoredAndEmptyDataIsNotDispatched() {
        feedBytes(":\n\n: hello\nfoo: bar\n\nevent: x\n\ndata: y\n\n", 2);
        assertThat(events).containsExactly("message|y|");
    }

    @Test
    void anIdWithNulIsIgnoredAndTheLastIdPersists() {
        feedBytes("id: 5\ndata: a\n\nid: 6\u0000\ndata: b\n\n", 4);
        assertThat(events).containsExactly("message|a|5", "message|b|5");
    }

    @Test
    void retryCountsOnlyWhenAllDigits() {
        feedBytes("retry: 1500\nretry: 12a\nretry:\nretry: 20\n\n", 5);
        assertThat(retries).containsExactly(1500L, 20L);
    }

    @Test
    void aLeadingBomIsDroppedAndUtf8SurvivesAnySplit() {
        String text = "\uFEFFdata: h\u00e9llo \uD83D\uDE00 \u2028 \u4e2d\n\n";
        feedBytes(text, 1);
        assertThat(events).containsExactly("message|h\u00e9llo \uD83D\uDE00 \u2028 \u4e2d|");
    }

    @Test
    void anIncompleteEventAtTheEndIsNotDispatched() {
        feedBytes("data: a\n", 2);
        assertThat(events).isEmpty();
    }

    @Test
    void anOverlongLineIsAProtocolError() {
        assertThatThrownBy(() -> feedBytes("data: " + "x".repeat(2000), 100)).isInstanceOf(ProtocolException.class);
    }
}
