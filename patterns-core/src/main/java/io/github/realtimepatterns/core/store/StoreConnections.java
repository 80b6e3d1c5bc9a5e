package io.github.realtimepatterns.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Where a JDBC store's connections come from: a HikariCP pool the store opens for a URL (and closes), or
 * the application's own {@code Jdbi}, whose connections are borrowed one handle at a time so that the
 * store's settings (statement timeout, template engine, query counting) never touch the application's
 * {@code Jdbi}. Thread-safe.
 */
final class StoreConnections {

    /** H2 error codes (also its SQL states) that mean the connection is dead, not that the SQL failed. */
    private static final Set<String> H2_BROKEN = Set.of("90067", "90028", "90098", "90121");
    private static final AtomicInteger POOLS = new AtomicInteger();

    private StoreConnections() {
    }

    /**
     * A started pool for {@code options.url()}: at most {@code maxConnections}, a wait of at most {@code
     * connectionTimeout} for one, one connection kept warm. It does not connect while it is created, so a
     * database that is down fails the first operation, not this; a missing JDBC driver fails here.
     *
     * @throws IllegalStateException naming the dependency to add when no driver accepts the URL
     */
    static HikariDataSource pool(JdbcOptions options) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("rp-store-" + options.tablePrefix() + POOLS.incrementAndGet());
        config.setJdbcUrl(withH2Defaults(options.url(), options.statementTimeout()));
        config.setUsername(options.user());
        config.setPassword(options.password());
        config.setMaximumPoolSize(options.maxConnections());
        config.setMinimumIdle(1);
        long timeout = options.connectionTimeout().toMillis();
        config.setConnectionTimeout(timeout);
        config.setValidationTimeout(Math.max(250, timeout / 2));
        config.setInitializationFailTimeout(-1); // start without connecting: the database may come later
        config.setExceptionOverride(new H2BrokenConnections());
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot use " + safe(options.url()) + ": " + missingDriverHint(options.url())
                    + " (" + e.getMessage() + ")", e);
        }
    }

    /** A connection factory that borrows each connection from {@code application} and gives it back. */
    static ConnectionFactory borrowing(Jdbi application) {
        return new Borrowed(application);
    }

    /**
     * H2 waits 1 s for a row lock by default; appends queue on the channel row: wait as long as a statement may
     * run. The statement timeout itself goes in the URL too, as a session setting: set per statement through
     * JDBC, H2 runs a {@code SET QUERY_TIMEOUT} and drops its parsed-statement cache each time, which made a
     * read 3 to 8 times slower (measured: 30-76 us without, 233-277 us with).
     */
    static String withH2Defaults(String url, Duration statementTimeout) {
        if (!isH2(url)) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String result = url;
        if (!upper.contains("LOCK_TIMEOUT=")) {
            long millis = statementTimeout.isZero() ? 10_000 : statementTimeout.toMillis();
            result += ";LOCK_TIMEOUT=" + millis;
        }
        if (!statementTimeout.isZero() && !upper.contains("QUERY_TIMEOUT=")) {
            result += ";QUERY_TIMEOUT=" + statementTimeout.toMillis();
        }
        return result;
    }

    /** Whether {@code url} is an H2 URL. */
    static boolean isH2(String url) {
        return url != null && url.startsWith("jdbc:h2:");
    }

    /** The statement timeout in JDBC's whole seconds, rounded up; {@code null} for none. */
    static Integer queryTimeoutSeconds(Duration statementTimeout) {
        if (statementTimeout.isZero()) {
            return null;
        }
        long seconds = statementTimeout.getSeconds() + (statementTimeout.getNano() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }

    private static String missingDriverHint(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "no JDBC driver for it; the embedded store needs H2 on the class path (com.h2database:h2)";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "no JDBC driver for it; add the PostgreSQL driver (org.postgresql:postgresql)";
        }
        return "no JDBC driver on the class path accepts it";
    }

    /** The URL without its query string, which may carry a password. */
    static String safe(String url) {
        if (url == null) {
            return "the application's DataSource";
        }
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** Evicts an H2 connection that broke (server stopped or restarted), as HikariCP does for SQL state 08. */
    private static final class H2BrokenConnections implements SQLExceptionOverride {
        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            return e.getSQLState() != null && H2_BROKEN.contains(e.getSQLState())
                    ? SQLExceptionOverride.Override.MUST_EVICT : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }

    /** Opens a handle of the application's Jdbi per connection and closes that handle with it. */
    private static final class Borrowed implements ConnectionFactory {
        private final Jdbi application;
        private final Map<Connection, Handle> open = Collections.synchronizedMap(new IdentityHashMap<>());

        Borrowed(Jdbi application) {
            this.application = application;
        }

        @Override
        public Connection openConnection() {
            Handle handle = application.open();
            Connection connection = handle.getConnection();
            open.put(connection, handle);
            return connection;
        }

        @Override
        public void closeConnection(Connection connection) throws SQLException {
            Handle handle = open.remove(connection);
            if (handle != null) {
                handle.close();
            } else {
                connection.close();
            }
        }
    }
}
