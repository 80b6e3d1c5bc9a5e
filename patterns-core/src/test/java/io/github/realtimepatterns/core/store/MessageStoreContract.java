package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.AppendResult;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.StoreException;
import io.github.realtimepatterns.core.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MessageStore} shares. An implementation passes it through a one-screen
 * subclass that implements {@link #newStore(Retention, Clock)}; stores made there are closed after
 * each test.
 */
public abstract class MessageStoreContract {

    private final List<MessageStore> opened = new ArrayList<>();

    /** A new, empty store with {@code retention}, stamping and aging messages by {@code clock}. */
    protected abstract MessageStore newStore(Retention retention, Clock clock);

    /** A store with {@code retention} on the system clock, closed after the test. */
    protected final MessageStore store(Retention retention) {
        return store(retention, Clock.systemUTC());
    }

    /** A store with {@code retention} and {@code clock}, closed after the test. */
    protected final MessageStore store(Retention retention, Clock clock) {
        MessageStore store = newStore(retention, clock);
        opened.add(store);
        return store;
    }

    /** A store with generous retention. */
    protected final MessageStore store() {
        return store(Retention.ofMessages(100_000));
    }

    /**
     * How many channels {@code store} keeps state for (rows, logs), to check that reads add none; empty
     * when the implementation cannot tell (the kit then checks only what reads answer).
     */
    protected OptionalLong channelsHeld(MessageStore store) {
        return OptionalLong.empty();
    }

    /**
     * Eight threads, spread over {@code nodes} (stores sharing one database, as nodes would), append with
     * the same key at once, {@code keys} times: each key stores one message, and every thread gets it.
     */
    protected static void assertRacingKeysStoreOneMessageEach(List<MessageStore> nodes, String channel, int keys)
            throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int k = 0; k < keys; k++) {
                String key = "race-" + k;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<AppendResult>> racing = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MessageStore node = nodes.get(t % nodes.size());
                    racing.add(pool.submit(() -> {
                        start.await(20, TimeUnit.SECONDS);
                        return node.append(channel, "{\"k\":\"" + key + "\"}", key);
                    }));
                }
                List<AppendResult> results = new ArrayList<>();
                for (Future<AppendResult> f : racing) {
                    results.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(results).filteredOn(AppendResult::stored).as(key).hasSize(1);
                assertThat(results).extracting(AppendResult::message).as(key)
                        .containsOnly(results.get(0).message());
            }
            assertThat(nodes.get(0).read(channel, Cursor.after(0), keys + 10).messages()).extracting(Message::id)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, keys).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MessageStore::close);
    }

    private static List<Long> ids(ReadResult r) {
        return r.messages().stream().map(Message::id).toList();
    }

    private static void appendN(MessageStore store, String channel, int n) {
        for (int i = 0; i < n; i++) {
            store.append(channel, "{\"n\":" + i + "}");
        }
    }

    @Nested
    @DisplayName("ids")
    class Ids {

        @Test
        void appendsGetConsecutiveIdsFromOne() {
            MessageStore store = store();
            assertThat(store.append("chat", "1").id()).isEqualTo(1);
            assertThat(store.append("chat", "\"two\"").id()).isEqualTo(2);
            assertThat(store.append("chat", "{\"three\":3}").id()).isEqualTo(3);
            ReadResult all = store.read("chat", Cursor.after(0), 10);
            assertThat(ids(all)).containsExactly(1L, 2L, 3L);
            assertThat(all.messages()).extracting(Message::data).containsExactly("1", "\"two\"", "{\"three\":3}");
            assertThat(store.head("chat")).isEqualTo(3);
        }

        @Test
        void appendReturnsWhatReadsGiveBack() {
            MessageStore store = store();
            Message stored = store.append("chat", "{\"a\":1}");
            assertThat(store.read("chat", Cursor.after(0), 10).messages()).containsExactly(stored);
        }

        @Test
        void concurrentWritersGetGapFreeIdsThatAConcurrentReaderSeesExactlyOnce() throws Exception {
            MessageStore store = store();
            int writers = 8;
            int perWriter = 150;
            int total = writers * perWriter;
            ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
            try {
                Future<List<Long>> reader = pool.submit(() -> {
                    List<Long> seen = new ArrayList<>();
                    Cursor cursor = Cursor.after(0);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
                    while (seen.size() < total && System.nanoTime() < deadline) {
                        ReadResult r = store.read("race", cursor, 50);
                        assertThat(r.honoured()).as("read after %s", cursor).isTrue();
                        seen.addAll(ids(r));
                        cursor = Cursor.of(r.epoch(), r.cursor());
                    }
                    return seen;
                });
                List<Future<?>> writes = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    writes.add(pool.submit(() -> {
                        for (int i = 0; i < perWriter; i++) {
                            store.append("race", "{\"w\":" + writer + ",\"i\":" + i + "}");
                        }
                    }));
                }
                for (Future<?> write : writes) {
                    write.get(25, TimeUnit.SECONDS);
                }
                assertThat(reader.get(25, TimeUnit.SECONDS))
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
                assertThat(store.head("race")).isEqualTo(total);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("cursors")
    class Cursors {

        @Test
        void headCursorReadsEmptyAtTheHead() {
            MessageStore store = store();
            appendN(store, "chat", 3);
            ReadResult r = store.read("chat", Cursor.head(), 10);
            assertThat(r.messages()).isEmpty();
            assertThat(r.cursor()).isEqualTo(3);
            assertThat(r.honoured()).isTrue();
            assertThat(r.hasMore()).isFalse();
        }

        @Test
        void afterZeroReadsEverythingRetained() {
            MessageStore store = store();
            appendN(store, "chat", 5);
            ReadResult r = store.read("chat", Cursor.after(0), 10);
            assertThat(ids(r)).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(r.cursor()).isEqualTo(5);
            assertThat(r.hasMore()).isFalse();
        }

        @Test
        void limitCutsTheAnswerAndHasMoreSaysSo() {
            MessageStore store = store();
            appendN(store, "chat", 5);
            ReadResult first = store.read("chat", Cursor.after(0), 2);
            assertThat(ids(first)).containsExactly(1L, 2L);
            assertThat(first.hasMore()).isTrue();
            assertThat(first.cursor()).isEqualTo(2);
            ReadResult last = store.read("chat", Cursor.of(first.epoch(), 3), 2);
            assertThat(ids(last)).containsExactly(4L, 5L);
            assertThat(last.hasMore()).isFalse();
        }

        @Test
        void cursorAtTheHeadReadsEmptyAndKeepsItsPlace() {
            MessageStore store = store();
            appendN(store, "chat", 2);
            ReadResult r = store.read("chat", Cursor.after(2), 10);
            assertThat(r.messages()).isEmpty();
            assertThat(r.cursor()).isEqualTo(2);
            assertThat(r.honoured()).isTrue();
        }

        @Test
        void unknownChannelReadsEmptyWithAnEpochThatStaysValid() {
            MessageStore store = store();
            ReadResult before = store.read("fresh", Cursor.after(0), 10);
            assertThat(before.messages()).isEmpty();
            assertThat(before.cursor()).isZero();
            assertThat(before.epoch()).isNotBlank();
            assertThat(store.head("fresh")).isZero();
            store.append("fresh", "1");
            ReadResult after = store.read("fresh", Cursor.of(before.epoch(), 0), 10);
            assertThat(after.epoch()).isEqualTo(before.epoch());
            assertThat(ids(after)).containsExactly(1L);
        }

        @Test
        void readingUnknownChannelsStoresNothing() {
            MessageStore store = store();
            store.append("known", "1");
            OptionalLong before = channelsHeld(store);
            String epoch = store.read("known", Cursor.head(), 1).epoch();
            for (int i = 0; i < 1000; i++) {
                ReadResult r = store.read("stranger-" + i, i % 2 == 0 ? Cursor.head() : Cursor.after(0), 10);
                assertThat(r.messages()).isEmpty();
                assertThat(r.cursor()).isZero();
                assertThat(r.epoch()).isNotBlank();
            }
            Map<String, Cursor> many = new LinkedHashMap<>();
            for (int i = 0; i < 600; i++) {
                many.put("passer-by-" + i, Cursor.after(0));
            }
            assertThat(store.readMany(many, 5).values()).allSatisfy(r -> assertThat(r.messages()).isEmpty());
            assertThat(store.heads(many.keySet()).values()).containsOnly(0L);
            assertThat(store.head("stranger-1")).isZero();
            assertThat(channelsHeld(store)).isEqualTo(before);
            assertThat(store.read("known", Cursor.head(), 1).epoch()).isEqualTo(epoch);
        }

        @Test
        void aCursorTakenBeforeTheFirstPublishIsHonouredAfterIt() {
            MessageStore store = store();
            store.append("other", "1");
            ReadResult empty = store.read("later", Cursor.head(), 10);
            ReadResult many = store.readMany(Map.of("later", Cursor.after(0)), 10).get("later");
            assertThat(many.epoch()).isEqualTo(empty.epoch());
            store.append("later", "\"first\"");
            store.append("later", "\"second\"");
            ReadResult next = store.read("later", Cursor.of(empty.epoch(), empty.cursor()), 10);
            assertThat(next.honoured()).isTrue();
            assertThat(next.epoch()).isEqualTo(empty.epoch());
            assertThat(ids(next)).containsExactly(1L, 2L);
            ReadResult resumed = store.read("later", Cursor.of(empty.epoch(), 1), 10);
            assertThat(resumed.honoured()).isTrue();
            assertThat(ids(resumed)).containsExactly(2L);
            assertThat(store.read("never", Cursor.of(empty.epoch(), 3), 10).reset()).isTrue();
        }

        @Test
        void cursorAheadOfTheHeadIsReset() {
            MessageStore store = store();
            appendN(store, "chat", 3);
            ReadResult r = store.read("chat", Cursor.after(7), 10);
            assertThat(r.reset()).isTrue();
            assertThat(r.messages()).isEmpty();
            assertThat(r.cursor()).isEqualTo(3);
        }

        @Test
        void cursorOfAForeignEpochIsReset() {
            MessageStore store = store();
            appendN(store, "chat", 3);
            ReadResult r = store.read("chat", Cursor.of("otherepo", 1), 10);
            assertThat(r.reset()).isTrue();
            assertThat(r.messages()).isEmpty();
            assertThat(r.cursor()).isEqualTo(3);
            assertThat(r.epoch()).isNotEqualTo("otherepo");
        }

        @Test
        void afterZeroWithAForeignEpochIsNotAReset() {
            MessageStore store = store();
            appendN(store, "chat", 2);
            ReadResult r = store.read("chat", Cursor.of("otherepo", 0), 10);
            assertThat(r.reset()).isFalse();
            assertThat(ids(r)).containsExactly(1L, 2L);
        }

        @Test
        void channelsAreIsolated() {
            MessageStore store = store();
            store.append("a", "\"a1\"");
            store.append("b", "\"b1\"");
            store.append("a", "\"a2\"");
            assertThat(store.read("a", Cursor.after(0), 10).messages()).extracting(Message::data)
                    .containsExactly("\"a1\"", "\"a2\"");
            assertThat(store.read("b", Cursor.after(0), 10).messages()).extracting(Message::data)
                    .containsExactly("\"b1\"");
            assertThat(store.head("a")).isEqualTo(2);
            assertThat(store.head("b")).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("retention")
    class RetentionLimits {

        @Test
        void cursorBehindMaxMessagesIsTruncatedToTheOldestKept() {
            MessageStore store = store(Retention.ofMessages(3));
            appendN(store, "chat", 10);
            ReadResult r = store.read("chat", Cursor.after(2), 10);
            assertThat(r.truncated()).isTrue();
            assertThat(ids(r)).containsExactly(8L, 9L, 10L);
            ReadResult all = store.read("chat", Cursor.after(0), 10);
            assertThat(all.truncated()).isTrue();
            assertThat(ids(all)).containsExactly(8L, 9L, 10L);
            ReadResult inside = store.read("chat", Cursor.of(r.epoch(), 8), 10);
            assertThat(inside.honoured()).isTrue();
            assertThat(ids(inside)).containsExactly(9L, 10L);
        }

        @Test
        void manyAppendsPastMaxMessagesKeepTheLatest() {
            MessageStore store = store(Retention.ofMessages(20));
            appendN(store, "chat", 250);
            ReadResult r = store.read("chat", Cursor.after(0), 100);
            assertThat(ids(r)).containsExactlyElementsOf(LongStream.rangeClosed(231, 250).boxed().toList());
            assertThat(store.head("chat")).isEqualTo(250);
        }

        @Test
        void cursorBehindMaxAgeIsTruncated() {
            MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
            MessageStore store = store(new Retention(1000, Duration.ofMinutes(1)), clock);
            appendN(store, "chat", 2);
            clock.advance(Duration.ofSeconds(45));
            appendN(store, "chat", 1);
            clock.advance(Duration.ofSeconds(30)); // the first two are 75 s old, the third 30 s
            ReadResult r = store.read("chat", Cursor.after(0), 10);
            assertThat(r.truncated()).isTrue();
            assertThat(ids(r)).containsExactly(3L);
            clock.advance(Duration.ofMinutes(2));
            ReadResult none = store.read("chat", Cursor.of(r.epoch(), 1), 10);
            assertThat(none.truncated()).isTrue();
            assertThat(none.messages()).isEmpty();
            assertThat(none.cursor()).isEqualTo(3);
        }
    }

    @Nested
    @DisplayName("payloads")
    class Payloads {

        @Test
        void unicodeRoundTripsExactly() {
            MessageStore store = store();
            String data = "{\"text\":\"h\u00e9llo \u4e16\u754c \ud83c\udf89 \\u0000 \\\"q\\\" \u0301\"}";
            store.append("chat", data);
            assertThat(store.read("chat", Cursor.after(0), 1).messages().get(0).data()).isEqualTo(data);
        }

        @Test
        void largePayloadRoundTripsExactly() {
            MessageStore store = store();
            StringBuilder blob = new StringBuilder();
            for (int i = 0; blob.length() < 64 * 1024 - 20; i++) {
                blob.append((char) ('a' + i % 26)).append(i % 7 == 0 ? "\u00e9" : "");
            }
            String data = "{\"blob\":\"" + blob + "\"}";
            store.append("chat", data);
            store.append("chat", "2");
            List<Message> read = store.read("chat", Cursor.after(0), 10).messages();
            assertThat(read.get(0).data()).isEqualTo(data);
            assertThat(read.get(1).data()).isEqualTo("2");
        }
    }

    @Nested
    @DisplayName("many channels at once")
    class Many {

        @Test
        void readManyAnswersLikeReadForEachChannel() {
            MessageStore store = store();
            appendN(store, "a", 3);
            appendN(store, "b", 1);
            String epochA = store.read("a", Cursor.after(0), 1).epoch();
            Map<String, Cursor> cursors = new LinkedHashMap<>();
            cursors.put("b", Cursor.after(0));
            cursors.put("a", Cursor.of(epochA, 1));
            cursors.put("never", Cursor.head());
            cursors.put("ahead", Cursor.after(5));
            Map<String, ReadResult> many = store.readMany(cursors, 1);
            assertThat(many.keySet()).containsExactly("b", "a", "never", "ahead");
            cursors.forEach((channel, cursor) -> {
                ReadResult single = store.read(channel, cursor, 1);
                assertThat(many.get(channel)).as(channel).isEqualTo(single);
            });
            assertThat(ids(many.get("a"))).containsExactly(2L);
            assertThat(many.get("a").hasMore()).isTrue();
            assertThat(many.get("ahead").reset()).isTrue();
        }

        @Test
        void headsAnswersEveryChannelWithZeroForUnknownOnes() {
            MessageStore store = store();
            appendN(store, "a", 3);
            appendN(store, "b", 1);
            assertThat(store.heads(List.of("a", "b", "nobody"))).containsExactly(
                    Map.entry("a", 3L), Map.entry("b", 1L), Map.entry("nobody", 0L));
        }

        @Test
        void readManyOfManyChannelsAnswersThemAll() {
            MessageStore store = store();
            Map<String, Cursor> cursors = new LinkedHashMap<>();
            for (int i = 0; i < 1200; i++) {
                cursors.put("c" + i, Cursor.after(0));
            }
            store.append("c1100", "1");
            Map<String, ReadResult> many = store.readMany(cursors, 5);
            assertThat(many).hasSize(1200);
            assertThat(ids(many.get("c1100"))).containsExactly(1L);
            assertThat(store.heads(cursors.keySet())).hasSize(1200).containsEntry("c1100", 1L);
        }
    }

    @Nested
    @DisplayName("idempotency keys")
    class Keys {

        @Test
        void theSameKeyTwiceStoresOneMessageAndAnswersTheFirst() {
            MessageStore store = store();
            AppendResult first = store.append("chat", "{\"n\":1}", "k-1");
            AppendResult again = store.append("chat", "{\"n\":1}", "k-1");
            assertThat(first.stored()).isTrue();
            assertThat(again.stored()).isFalse();
            assertThat(again.message()).isEqualTo(first.message());
            assertThat(store.head("chat")).isEqualTo(1);
            assertThat(store.read("chat", Cursor.after(0), 10).messages()).containsExactly(first.message());
            assertThat(store.append("chat", "2").id()).isEqualTo(2);
        }

        @Test
        void keysAreScopedToTheirChannelAndOtherKeysStore() {
            MessageStore store = store();
            assertThat(store.append("a", "1", "same").stored()).isTrue();
            assertThat(store.append("b", "1", "same").stored()).isTrue();
            assertThat(store.append("a", "1", "Same").stored()).isTrue();
            AppendResult unkeyed = store.append("a", "1", null);
            assertThat(unkeyed.stored()).isTrue();
            assertThat(unkeyed.message().id()).isEqualTo(3);
            assertThat(store.heads(List.of("a", "b"))).containsExactly(Map.entry("a", 3L), Map.entry("b", 1L));
        }

        @Test
        void aKeyIsForgottenAfterTheWindow() {
            MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
            MessageStore store = store(Retention.ofMessages(1000), clock);
            Message first = store.append("chat", "1", "k").message();
            clock.advance(MessageStore.IDEMPOTENCY_WINDOW.minusSeconds(1));
            assertThat(store.append("chat", "1", "k").message()).isEqualTo(first);
            clock.advance(Duration.ofSeconds(2));
            AppendResult later = store.append("chat", "1", "k");
            assertThat(later.stored()).isTrue();
            assertThat(later.message().id()).isEqualTo(2);
            AppendResult replay = store.append("chat", "1", "k");
            assertThat(replay.stored()).isFalse();
            assertThat(replay.message()).isEqualTo(later.message());
        }

        @Test
        void aReplayWhoseMessageRetentionDroppedStillAnswersItsId() {
            MessageStore store = store(Retention.ofMessages(2));
            Message first = store.append("chat", "\"keyed\"", "k").message();
            appendN(store, "chat", 5);
            AppendResult replay = store.append("chat", "\"keyed\"", "k");
            assertThat(replay.stored()).isFalse();
            assertThat(replay.message().id()).isEqualTo(first.id());
            assertThat(replay.message().createdAt()).isEqualTo(first.createdAt());
            assertThat(store.head("chat")).isEqualTo(6);
        }

        @Test
        void threadsRacingOneKeyStoreOneMessage() throws Exception {
            MessageStore store = store();
            assertRacingKeysStoreOneMessageEach(List.of(store), "race", 15);
        }

        @Test
        void invalidKeysAreRefusedAndNothingIsStored() {
            MessageStore store = store();
            for (String bad : List.of("", "x".repeat(129), "a b", "caf\u00e9", "tab\t", "\u007f")) {
                assertThatThrownBy(() -> store.append("chat", "1", bad)).as(bad)
                        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("key"));
            }
            assertThat(store.head("chat")).isZero();
            assertThat(store.append("chat", "1", "!~" + "x".repeat(126)).stored()).isTrue();
        }
    }

    @Nested
    @DisplayName("bad input and failures")
    class Failures {

        @Test
        void invalidChannelNamesAreRejected() {
            MessageStore store = store();
            assertThatThrownBy(() -> store.append("no spaces", "1")).isInstanceOf(ProtocolException.class);
            assertThatThrownBy(() -> store.read("", Cursor.head(), 1)).isInstanceOf(ProtocolException.class);
            assertThatThrownBy(() -> store.head("x".repeat(129))).isInstanceOf(ProtocolException.class);
            assertThatThrownBy(() -> store.readMany(Map.of("a/b", Cursor.head()), 1))
                    .isInstanceOf(ProtocolException.class);
        }

        @Test
        void limitBelowOneIsRejected() {
            MessageStore store = store();
            assertThatThrownBy(() -> store.read("chat", Cursor.head(), 0)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void rejectedAppendStoresNothing() {
            MessageStore store = store();
            store.append("chat", "1");
            assertThatThrownBy(() -> store.append("chat", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> store.append("bad name", "2")).isInstanceOf(ProtocolException.class);
            assertThat(store.head("chat")).isEqualTo(1);
            assertThat(store.append("chat", "3").id()).isEqualTo(2);
        }

        @Test
        void closedStoreFailsWithStoreExceptionAndCloseIsIdempotent() {
            MessageStore store = store();
            store.append("chat", "1");
            store.close();
            store.close();
            assertThatThrownBy(() -> store.append("chat", "2")).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> store.read("chat", Cursor.head(), 1)).isInstanceOf(StoreException.class);
        }

        @Test
        void healthCheckPassesWhenOpen() {
            store().checkHealth();
        }
    }
}
