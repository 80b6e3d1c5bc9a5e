package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class H2MessageStoreTest extends MessageStoreContract {

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.h2InMemory(retention, clock);
    }

    @Override
    protected OptionalLong channelsHeld(MessageStore store) {
        return OptionalLong.of(((JdbcMessageStore) store).channelRows());
    }

    private static String memUrl() {
        return "jdbc:h2:mem:t-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Test
    void appendThatFailsInTheDatabaseLeavesNeitherMessageNorId() throws Exception {
        String url = memUrl();
        try (MessageStore store = MessageStores.jdbc(url); Connection c = DriverManager.getConnection(url)) {
            store.append("chat", "1");
            try (Statement s = c.createStatement()) {
                // A stray row where id 2 will go: the INSERT of the next append violates the key.
                s.execute("INSERT INTO rp_messages (channel, id, data, created_at) VALUES ('chat', 2, 'x', CURRENT_TIMESTAMP)");
            }
            assertThatThrownBy(() -> store.append("chat", "2")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("append to channel chat");
            assertThat(store.head("chat")).isEqualTo(1); // the id increment was rolled back
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM rp_messages WHERE channel = 'chat' AND id = 2");
            }
            assertThat(store.append("chat", "2").id()).isEqualTo(2);
        }
    }

    @Test
    void readManyAndHeadsCostOneQueryEachWhateverTheNumberOfChannels() {
        try (MessageStore store = MessageStores.h2InMemory()) {
            Map<String, Cursor> cursors = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                store.append("c" + i, "1");
                cursors.put("c" + i, Cursor.after(0));
            }
            long before = store.queryCount();
            assertThat(store.readMany(cursors, 10)).hasSize(200);
            assertThat(store.queryCount() - before).isEqualTo(1);
            before = store.queryCount();
            assertThat(store.heads(cursors.keySet())).hasSize(200);
            assertThat(store.queryCount() - before).isEqualTo(1);
        }
    }

    @Test
    void migrateCreatesTablesAndIsIdempotent() throws Exception {
        String url = memUrl();
        try (Connection keepAlive = DriverManager.getConnection(url)) {
            JdbcOptions options = JdbcOptions.builder(url).tablePrefix("mig_").build();
            MessageStores.migrate(options);
            MessageStores.migrate(options);
            try (Statement s = keepAlive.createStatement()) {
                s.executeQuery("SELECT COUNT(*) FROM mig_channels, mig_messages").close();
            }
            try (MessageStore store = MessageStores.jdbc(options)) {
                assertThat(store.append("chat", "1").id()).isEqualTo(1);
            }
        }
    }

    @Test
    void unreachableDatabaseFailsHealthCheckWithStoreException() {
        try (MessageStore store = MessageStores.jdbc(
                JdbcOptions.builder("jdbc:h2:tcp://127.0.0.1:1/nothing").build())) {
            assertThatThrownBy(store::checkHealth).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> store.append("chat", "1")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("chat");
        }
    }

    @Test
    void fileStoreKeepsMessagesAndEpochAcrossRestarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path file = dir.resolve("store");
        String epoch;
        try (MessageStore store = MessageStores.h2File(file)) {
            store.append("chat", "1");
            epoch = store.read("chat", Cursor.head(), 1).epoch();
        }
        try (MessageStore store = MessageStores.h2File(file)) {
            var r = store.read("chat", Cursor.of(epoch, 0), 10);
            assertThat(r.epoch()).isEqualTo(epoch);
            assertThat(r.messages()).hasSize(1);
            assertThat(store.append("chat", "2").id()).isEqualTo(2);
        }
    }

    @Test
    void fromJdbcUrlWithoutUrlIsAnInMemoryH2Store() {
        try (MessageStore store = MessageStores.fromJdbcUrl(" ")) {
            assertThat(store.append("chat", "1").id()).isEqualTo(1);
        }
    }

    @Test
    void closeDropsTheInMemoryDatabase() {
        MessageStore first = MessageStores.h2InMemory();
        first.append("chat", "1");
        first.close();
        try (MessageStore second = MessageStores.h2InMemory()) {
            assertThat(second.head("chat")).isZero();
        }
    }
}
