package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JDBC store's calls are bounded in time: waiting for a connection and running a statement. */
class JdbcTimeoutsTest {

    private static String memUrl() {
        return "jdbc:h2:mem:timeouts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** Locks the channel row of {@code channel} in an open transaction of {@code c}, as a stuck writer would. */
    private static void lockChannel(Connection c, String channel) throws Exception {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE rp_channels SET last_id = last_id WHERE name = '" + channel + "'");
        }
    }

    @Test
    void anAppendBehindALockedRowFailsWithinTheStatementTimeoutAndNothingIsStored() throws Exception {
        String url = memUrl();
        JdbcOptions options = JdbcOptions.builder(url).statementTimeout(Duration.ofSeconds(1)).build();
        try (MessageStore store = MessageStores.jdbc(options); Connection writer = DriverManager.getConnection(url)) {
            store.append("chat", "1");
            lockChannel(writer, "chat");
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.append("chat", "2")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("append to channel chat");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            writer.rollback();
            assertThat(store.head("chat")).isEqualTo(1);
            assertThat(store.append("chat", "2").id()).isEqualTo(2);
        }
    }

    @Test
    void waitingForAFreeConnectionIsBoundedByTheConnectionTimeout() throws Exception {
        String url = memUrl();
        JdbcOptions options = JdbcOptions.builder(url).maxConnections(1)
                .connectionTimeout(Duration.ofMillis(300)).statementTimeout(Duration.ofSeconds(3)).build();
        try (MessageStore store = MessageStores.jdbc(options); Connection writer = DriverManager.getConnection(url)) {
            store.append("chat", "1");
            lockChannel(writer, "chat");
            // This append holds the only pooled connection while it waits for the row lock.
            CompletableFuture<Void> stuck = CompletableFuture.runAsync(() -> store.append("chat", "2"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!stuck.isDone() && System.nanoTime() < deadline && !holdsTheOnlyConnection(store)) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.append("other", "1")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("append to channel other");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
            writer.rollback();
            stuck.get(10, TimeUnit.SECONDS);
            assertThat(store.head("chat")).isEqualTo(2);
        }
    }

    /** Whether the store's single connection is out: a health check then has to wait for it, and fails. */
    private static boolean holdsTheOnlyConnection(MessageStore store) {
        try {
            store.checkHealth();
            return false;
        } catch (StoreException e) {
            return true;
        }
    }

    @Test
    void aUrlWithoutADriverIsRefusedWhenTheStoreIsCreatedNamingWhatToAdd() {
        assertThatThrownBy(() -> MessageStores.jdbc("jdbc:nosuchdb://db/app?password=secret"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no JDBC driver")
                .hasMessageNotContaining("secret");
    }

    @Test
    void statementTimeoutsAreWholeSecondsRoundedUpAndZeroIsNone() {
        assertThat(StoreConnections.queryTimeoutSeconds(Duration.ofMillis(500))).isEqualTo(1);
        assertThat(StoreConnections.queryTimeoutSeconds(Duration.ofSeconds(2))).isEqualTo(2);
        assertThat(StoreConnections.queryTimeoutSeconds(Duration.ofMillis(2001))).isEqualTo(3);
        assertThat(StoreConnections.queryTimeoutSeconds(Duration.ZERO)).isNull();
    }

    @Test
    void anH2PoolCarriesItsStatementTimeoutAsASessionSettingNotPerStatement() {
        assertThat(StoreConnections.withH2Defaults("jdbc:h2:mem:x", Duration.ofSeconds(2)))
                .isEqualTo("jdbc:h2:mem:x;LOCK_TIMEOUT=2000;QUERY_TIMEOUT=2000");
        assertThat(StoreConnections.withH2Defaults("jdbc:h2:mem:x;query_timeout=500", Duration.ofSeconds(2)))
                .as("the user's own setting wins").isEqualTo("jdbc:h2:mem:x;query_timeout=500;LOCK_TIMEOUT=2000");
        assertThat(StoreConnections.withH2Defaults("jdbc:h2:mem:x", Duration.ZERO))
                .isEqualTo("jdbc:h2:mem:x;LOCK_TIMEOUT=10000");
        assertThat(StoreConnections.withH2Defaults("jdbc:postgresql://db/x", Duration.ofSeconds(2)))
                .isEqualTo("jdbc:postgresql://db/x");
    }

    @Test
    void timeoutsAreValidatedAtOnce() {
        assertThatThrownBy(() -> JdbcOptions.builder("jdbc:h2:mem:x").connectionTimeout(Duration.ofMillis(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionTimeout must be >= 250ms");
        assertThatThrownBy(() -> JdbcOptions.builder("jdbc:h2:mem:x").statementTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statementTimeout");
        JdbcOptions defaults = JdbcOptions.builder("jdbc:h2:mem:x").build();
        assertThat(defaults.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.statementTimeout()).isEqualTo(Duration.ofSeconds(2));
    }
}
