package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConnectionPoolTest {

    private static ConnectionPool pool(int max) {
        return new ConnectionPool("jdbc:h2:mem:pool-" + UUID.randomUUID(), null, null, max, Duration.ofMillis(200));
    }

    @Test
    void reusesAReturnedConnectionAndKeepsItIdle() throws SQLException {
        try (ConnectionPool pool = pool(2)) {
            Connection first = pool.getConnection();
            assertThat(pool.idleCount()).isZero();
            first.close();
            first.close(); // idempotent: returned once
            assertThat(first.isClosed()).isTrue();
            assertThat(pool.idleCount()).isEqualTo(1);
            try (Connection again = pool.getConnection()) {
                assertThat(pool.idleCount()).isZero();
                assertThat(again.createStatement().executeQuery("SELECT 1").next()).isTrue();
            }
        }
    }

    @Test
    void givesAtMostMaxConnectionsAtOnce() throws SQLException {
        try (ConnectionPool pool = pool(1); Connection held = pool.getConnection()) {
            assertThat(held.isClosed()).isFalse();
            assertThatThrownBy(pool::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no free connection");
        }
    }

    @Test
    void aReturnedConnectionCannotBeUsedAndAClosedPoolGivesNone() throws SQLException {
        ConnectionPool pool = pool(1);
        Connection c = pool.getConnection();
        c.close();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class);
        pool.close();
        pool.close();
        assertThat(pool.idleCount()).isZero();
        assertThatThrownBy(pool::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }
}
