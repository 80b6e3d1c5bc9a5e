package io.github.realtimepatterns.core.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Creates the stores this library ships: in-memory, and JDBC (embedded H2 by default, an H2 server or
 * PostgreSQL for many nodes). Every store returned is thread-safe and must be closed.
 *
 * <p>A JDBC store runs over the application's own pool when it has one ({@link #jdbc(DataSource)}, {@link
 * #jdbc(Jdbi)}: used as given, never closed by the store), or over a HikariCP pool it opens for a URL
 * ({@link #jdbc(String)}, closed with the store).
 *
 * <p>JDBC stores create their two tables ({@code <prefix>channels}, {@code <prefix>messages}, prefix
 * {@code rp_} by default) on first use; {@link #migrate(JdbcOptions)} creates them ahead of time. They
 * connect lazily: creating one never fails because the database is down; its first operation, or {@link
 * MessageStore#checkHealth()}, does. Neither JDBC driver is a dependency of the library modules: add
 * {@code com.h2database:h2} for the embedded store and {@code org.postgresql:postgresql} for a PostgreSQL
 * URL; without the driver for a URL, creating the store throws {@link IllegalStateException} naming it.
 */
public final class MessageStores {

    private MessageStores() {
    }

    /**
     * An in-memory store with {@link Retention#DEFAULT}. Nothing survives the JVM.
     *
     * @return an in-memory store with {@link Retention#DEFAULT}
     */
    public static MessageStore inMemory() {
        return inMemory(Retention.DEFAULT);
    }

    /**
     * An in-memory store with {@code retention}.
     *
     * @param retention how much history to keep
     * @return an in-memory store with {@code retention}
     */
    public static MessageStore inMemory(Retention retention) {
        return new InMemoryMessageStore(retention, Clock.systemUTC());
    }

    /**
     * An in-memory store with {@code retention}, aging messages by {@code clock} (for tests).
     *
     * @param retention how much history to keep
     * @param clock the clock
     * @return an in-memory store with {@code retention}, aging messages by {@code clock} (for tests)
     */
    public static MessageStore inMemory(Retention retention, Clock clock) {
        return new InMemoryMessageStore(retention, clock);
    }

    /**
     * A JDBC store in a new, uniquely named in-memory H2 database, with {@link Retention#DEFAULT}. The
     * database lives while the store is open and is dropped by {@link MessageStore#close()}.
     *
     * @return a JDBC store in a new, uniquely named in-memory H2 database, with {@link Retention#DEFAULT}
     */
    public static MessageStore h2InMemory() {
        return h2InMemory(Retention.DEFAULT, Clock.systemUTC());
    }

    /**
     * Like {@link #h2InMemory()}, with {@code retention}, aging messages by {@code clock}.
     *
     * @param retention how much history to keep
     * @param clock the clock
     * @return a JDBC store in a new in-memory H2 database, dropped when the store closes
     */
    public static MessageStore h2InMemory(Retention retention, Clock clock) {
        return JdbcMessageStore.h2InMemory(retention, clock);
    }

    /**
     * A JDBC store in the H2 database file at {@code path} (H2 adds {@code .mv.db}), created if missing;
     * it survives restarts. One process at a time may open an embedded H2 file; share one through an H2
     * server instead.
     *
     * @param path the path
     * @return a JDBC store in the H2 database file at {@code path} (H2 adds {@code .mv.db}), created if missing; it
     *         survives restarts
     */
    public static MessageStore h2File(Path path) {
        Objects.requireNonNull(path, "path");
        return jdbc(JdbcOptions.builder("jdbc:h2:file:" + path.toAbsolutePath()).build());
    }

    /**
     * A JDBC store at {@code url}, with credentials from the URL if any: {@code jdbc:h2:...} or {@code
     * jdbc:postgresql://host:5432/db?user=u&password=p}.
     *
     * @param url the URL
     * @return a JDBC store at {@code url}, with credentials from the URL if any: {@code jdbc:h2:...} or {@code
     *         jdbc:postgresql://host:5432/db?user=u&password=p}
     */
    public static MessageStore jdbc(String url) {
        return jdbc(JdbcOptions.builder(url).build());
    }

    /**
     * A JDBC store at {@code url} with {@code user} and {@code password}.
     *
     * @param url the URL
     * @param user the user
     * @param password the password
     * @return a JDBC store at {@code url} with {@code user} and {@code password}
     */
    public static MessageStore jdbc(String url, String user, String password) {
        return jdbc(JdbcOptions.builder(url).credentials(user, password).build());
    }

    /**
     * A JDBC store configured by {@code options} (table prefix, retention, clock, pool size, timeouts).
     *
     * @param options the options
     * @return a JDBC store configured by {@code options} (table prefix, retention, clock, pool size, timeouts)
     */
    public static MessageStore jdbc(JdbcOptions options) {
        return new JdbcMessageStore(options, false);
    }

    /**
     * A JDBC store over the application's {@code dataSource} (a HikariCP pool, say), with the default table
     * prefix, retention and statement timeout. The data source is used as given: the store never closes it,
     * and its pool size and connection timeout are the application's.
     *
     * @param dataSource the application's pool, used as given and never closed
     * @return a JDBC store over the application's {@code dataSource} (a HikariCP pool, say), with the default table
     *         prefix, retention and statement timeout
     */
    public static MessageStore jdbc(DataSource dataSource) {
        return jdbc(dataSource, JdbcOptions.builder().build());
    }

    /**
     * A JDBC store over the application's {@code dataSource}, configured by {@code options} made with
     * {@link JdbcOptions#builder()} (table prefix, retention, clock, statement timeout). Never closes it.
     *
     * @param dataSource the application's pool, used as given and never closed
     * @param options the options
     * @return a JDBC store over the application's {@code dataSource}, configured by {@code options} made with
     *         {@link JdbcOptions#builder()} (table prefix, retention, clock, statement timeout)
     * @throws IllegalArgumentException if {@code options} name a URL
     */
    public static MessageStore jdbc(DataSource dataSource, JdbcOptions options) {
        return new JdbcMessageStore(dataSource, options);
    }

    /**
     * A JDBC store over the application's {@code jdbi}, with the default table prefix, retention and
     * statement timeout. Each operation borrows a handle of {@code jdbi} for its connection and closes it
     * after; the store's own settings (statement timeout, no templating) never change {@code jdbi}'s, and
     * the store never closes what {@code jdbi} connects through.
     *
     * @param jdbi the application's Jdbi
     * @return a JDBC store over the application's {@code jdbi}, with the default table prefix, retention and
     *         statement timeout
     */
    public static MessageStore jdbc(Jdbi jdbi) {
        return jdbc(jdbi, JdbcOptions.builder().build());
    }

    /**
     * A JDBC store over the application's {@code jdbi}, configured by {@code options} made with {@link
     * JdbcOptions#builder()}; see {@link #jdbc(Jdbi)}.
     *
     * @param jdbi the application's Jdbi
     * @param options the options
     * @return a JDBC store over the application's {@code jdbi}, configured by {@code options} made with {@link
     *         JdbcOptions#builder()}; see {@link #jdbc(Jdbi)}
     * @throws IllegalArgumentException if {@code options} name a URL
     */
    public static MessageStore jdbc(Jdbi jdbi, JdbcOptions options) {
        return new JdbcMessageStore(jdbi, options);
    }

    /**
     * The store a standalone server uses for the {@code JDBC_URL} setting: {@link #h2InMemory()} when
     * {@code urlOrNull} is {@code null} or blank, else {@link #jdbc(String)}.
     *
     * @param urlOrNull the JDBC URL, or {@code null} for the embedded default
     * @return the store a standalone server uses for the {@code JDBC_URL} setting: {@link #h2InMemory()} when
     *         {@code urlOrNull} is {@code null} or blank, else {@link #jdbc(String)}
     * @throws IllegalArgumentException if the URL does not start with {@code jdbc:}
     */
    public static MessageStore fromJdbcUrl(String urlOrNull) {
        if (urlOrNull == null || urlOrNull.isBlank()) {
            return h2InMemory();
        }
        return jdbc(urlOrNull.strip());
    }

    /**
     * Creates the store's tables and index in the database of {@code options} if they are missing, then
     * disconnects. Idempotent; safe when several processes run it at once.
     *
     * @param options the options
     * @throws io.github.realtimepatterns.core.StoreException if the database cannot be reached
     */
    public static void migrate(JdbcOptions options) {
        try (JdbcMessageStore store = new JdbcMessageStore(options, false)) {
            store.migrate();
        }
    }
}
