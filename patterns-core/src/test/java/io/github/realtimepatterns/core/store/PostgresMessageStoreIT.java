package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against PostgreSQL at {@code RP_TEST_POSTGRES_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). When the variable is set the database must be
 * reachable; when it is unset and the default cannot be reached, the tests are skipped. Every store gets
 * its own table prefix; the tables are dropped after each test.
 */
class PostgresMessageStoreIT extends MessageStoreContract {

    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static String url;
    private final List<String> prefixes = new ArrayList<>();

    @BeforeAll
    static void findDatabase() {
        String configured = System.getenv("RP_TEST_POSTGRES_URL");
        url = configured == null || configured.isBlank() ? DEFAULT_URL : configured;
        try (Connection c = DriverManager.getConnection(url)) {
            c.isValid(2);
        } catch (SQLException e) {
            if (configured != null && !configured.isBlank()) {
                throw new AssertionError("RP_TEST_POSTGRES_URL is set but " + url + " cannot be reached", e);
            }
            Assumptions.abort("no PostgreSQL at " + url + " (set RP_TEST_POSTGRES_URL): " + e.getMessage());
        }
    }

    private JdbcOptions.Builder options() {
        String prefix = "rpt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT) + "_";
        prefixes.add(prefix);
        return JdbcOptions.builder(url).tablePrefix(prefix);
    }

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.jdbc(options().retention(retention).clock(clock).build());
    }

    @Override
    protected OptionalLong channelsHeld(MessageStore store) {
        return OptionalLong.of(((JdbcMessageStore) store).channelRows());
    }

    @AfterEach
    void dropTables() throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String prefix : prefixes) {
                s.execute("DROP TABLE IF EXISTS " + prefix + "idempotency_keys");
                s.execute("DROP TABLE IF EXISTS " + prefix + "messages");
                s.execute("DROP TABLE IF EXISTS " + prefix + "channels");
            }
        }
    }

    @Test
    void twoStoresRacingOneKeyStoreOneMessage() throws Exception {
        JdbcOptions shared = options().build();
        try (MessageStore nodeA = MessageStores.jdbc(shared); MessageStore nodeB = MessageStores.jdbc(shared)) {
            assertRacingKeysStoreOneMessageEach(List.of(nodeA, nodeB), "keyed", 20);
        }
    }

    @Test
    void twoStoresMigratingAndAppendingAtOnceGetGapFreeIds() throws Exception {
        JdbcOptions shared = options().build();
        try (MessageStore nodeA = MessageStores.jdbc(shared); MessageStore nodeB = MessageStores.jdbc(shared)) {
            int perWriter = 100;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<Message>>> writes = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    MessageStore node = w % 2 == 0 ? nodeA : nodeB;
                    writes.add(pool.submit(() -> {
                        List<Message> mine = new ArrayList<>();
                        for (int i = 0; i < perWriter; i++) {
                            mine.add(node.append("shared", "{\"i\":" + i + "}"));
                        }
                        return mine;
                    }));
                }
                List<Long> assigned = new ArrayList<>();
                for (Future<List<Message>> f : writes) {
                    f.get(60, TimeUnit.SECONDS).forEach(m -> assigned.add(m.id()));
                }
                List<Long> expected = LongStream.rangeClosed(1, 8L * perWriter).boxed().toList();
                assertThat(assigned).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(nodeA.read("shared", Cursor.after(0), 1000).messages()).extracting(Message::id)
                        .containsExactlyElementsOf(expected);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
