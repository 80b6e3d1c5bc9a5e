package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store contract over the application's {@code Jdbi}, whose own settings the store never changes. */
class JdbiMessageStoreTest extends MessageStoreContract {

    private final List<HikariDataSource> pools = new ArrayList<>();

    private HikariDataSource pool() {
        HikariDataSource pool = DataSourceMessageStoreTest.applicationPool();
        pools.add(pool);
        return pool;
    }

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.jdbc(Jdbi.create(pool()), JdbcOptions.builder().retention(retention).clock(clock).build());
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void theApplicationsJdbiKeepsItsTemplatesAndTimeoutsAndGetsEveryConnectionBack() {
        HikariDataSource pool = pool();
        Jdbi application = Jdbi.create(pool);
        var engine = application.getConfig(SqlStatements.class).getTemplateEngine();
        try (MessageStore store = MessageStores.jdbc(application)) {
            store.append("chat", "1");
            store.append("chat", "2");
            assertThat(store.read("chat", io.github.realtimepatterns.core.Cursor.after(0), 10).messages()).hasSize(2);
        }
        assertThat(application.getConfig(SqlStatements.class).getTemplateEngine()).isSameAs(engine);
        assertThat(application.getConfig(SqlStatements.class).getQueryTimeout()).isNull();
        // The application's templating still works on its own Jdbi.
        int count = application.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM <table>")
                .define("table", "rp_messages").mapTo(Integer.class).one());
        assertThat(count).isEqualTo(2);
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        assertThat(pool.isClosed()).isFalse();
    }
}
