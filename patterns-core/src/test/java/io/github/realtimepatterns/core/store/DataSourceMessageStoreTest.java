package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store contract over the application's own pool (HikariCP here), which the store uses as given. */
class DataSourceMessageStoreTest extends MessageStoreContract {

    private final List<HikariDataSource> pools = new ArrayList<>();

    /** The application's pool over a new in-memory H2 database. */
    static HikariDataSource applicationPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:app-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(10);
        config.setPoolName("application");
        return new HikariDataSource(config);
    }

    private HikariDataSource pool() {
        HikariDataSource pool = applicationPool();
        pools.add(pool);
        return pool;
    }

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.jdbc(pool(), JdbcOptions.builder().retention(retention).clock(clock).build());
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void closingTheStoreLeavesTheApplicationsPoolOpenAndItsConnectionsReturned() throws Exception {
        HikariDataSource pool = pool();
        MessageStore store = MessageStores.jdbc(pool);
        store.append("chat", "{\"n\":1}");
        store.close();
        assertThat(pool.isClosed()).isFalse();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        try (Connection c = pool.getConnection(); var rs = c.createStatement().executeQuery("SELECT data FROM rp_messages")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("{\"n\":1}");
        }
    }

    @Test
    void twoStoresWithTheirOwnPrefixesShareOnePool() {
        HikariDataSource pool = pool();
        try (MessageStore a = MessageStores.jdbc(pool, JdbcOptions.builder().tablePrefix("a_").build());
                MessageStore b = MessageStores.jdbc(pool, JdbcOptions.builder().tablePrefix("b_").build())) {
            a.append("chat", "1");
            a.append("chat", "2");
            assertThat(b.append("chat", "1").id()).isEqualTo(1);
            assertThat(a.head("chat")).isEqualTo(2);
        }
    }

    @Test
    void optionsThatNameAUrlAreRefusedForADataSource() {
        JdbcOptions withUrl = JdbcOptions.builder("jdbc:h2:mem:x").build();
        assertThatThrownBy(() -> MessageStores.jdbc(pool(), withUrl)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JdbcOptions.builder()");
        assertThatThrownBy(() -> MessageStores.jdbc(JdbcOptions.builder().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no JDBC URL");
    }
}
