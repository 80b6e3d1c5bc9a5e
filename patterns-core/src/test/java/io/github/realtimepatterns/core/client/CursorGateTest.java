package io.github.realtimepatterns.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CursorGateTest {

    private static Message m(long id) {
        return new Message("c", id, "1", Instant.EPOCH);
    }

    @Test
    void passesEachIdOnceInOrderWhateverArrivesTwice() {
        RecordingListener got = new RecordingListener();
        CursorGate gate = new CursorGate("c", Cursor.after(0), got);
        gate.accept(new ReadResult("e", List.of(m(1), m(2)), 2, false, false, false));
        gate.accept(new ReadResult("e", List.of(m(2), m(3)), 3, false, false, false));
        gate.offer("e", m(3));
        gate.offer("e", m(1));
        assertThat(got.ids()).containsExactly(1L, 2L, 3L);
        assertThat(gate.position()).isEqualTo(Cursor.of("e", 3));
    }

    @Test
    void anEmptyAnswerFromTheHeadTellsTheEpochAndWhereNowIs() {
        CursorGate gate = new CursorGate("c", Cursor.head(), new RecordingListener());
        gate.accept(ReadResult.empty("e", 9));
        assertThat(gate.position()).isEqualTo(Cursor.of("e", 9));
    }

    @Test
    void aResetIsReportedAndMovesTheCursorToTheNewHead() {
        RecordingListener got = new RecordingListener();
        CursorGate gate = new CursorGate("c", Cursor.of("old", 50), got);
        gate.accept(new ReadResult("new", List.of(), 4, false, true, false));
        assertThat(got.resets()).hasSize(1);
        assertThat(gate.position()).isEqualTo(Cursor.of("new", 4));
        gate.offer("new", m(5));
        assertThat(got.ids()).containsExactly(5L);
    }

    @Test
    void aTruncationIsReportedAndTheKeptMessagesFollow() {
        RecordingListener got = new RecordingListener();
        CursorGate gate = new CursorGate("c", Cursor.of("e", 1), got);
        gate.accept(new ReadResult("e", List.of(m(6), m(7)), 7, false, false, true));
        assertThat(got.resets()).hasSize(1);
        assertThat(got.ids()).containsExactly(6L, 7L);
    }

    @Test
    void aThrowingListenerDoesNotStopLaterMessages() {
        RecordingListener got = new RecordingListener();
        CursorGate gate = new CursorGate("c", Cursor.after(0), message -> {
            got.onMessage(message);
            throw new IllegalStateException("listener bug");
        });
        gate.offer("e", m(1));
        gate.offer("e", m(2));
        assertThat(got.ids()).containsExactly(1L, 2L);
    }

    @Test
    void backoffGrowsToItsCapWithJitterAndResets() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int i = 0; i < 20; i++) {
            assertThat(backoff.next()).isBetween(Duration.ofMillis(100), Duration.ofSeconds(2));
        }
        assertThat(backoff.failures()).isEqualTo(20);
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    }
}
