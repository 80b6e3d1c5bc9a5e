package io.github.realtimepatterns.core.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Creates the stores this library ships: in-memory, and JDBC (embedded H2 by default, an H2 server or
 * PostgreSQL for many nodes). Every store returned is thread-safe and must be closed.
 *
 * <p>JDBC stores create their two tables ({@code <prefix>channels}, {@code <prefix>messages}, prefix
 * {@code rp_} by default) on first use; {@link #migrate(JdbcOptions)} creates them ahead of time. They
 * connect lazily: creating one never fails because the database is down; its first operation, or {@link
 * MessageStore#checkHealth()}, does. The PostgreSQL driver ({@code org.postgresql:postgresql}) is not a
 * dependency of this library: add it to use a PostgreSQL URL.
 */
public final class MessageStores {

    private MessageStores() {
    }

    /** An in-memory store with {@link Retention#DEFAULT}. Nothing survives the JVM. */
    public static MessageStore inMemory() {
        return inMemory(Retention.DEFAULT);
    }

    /** An in-memory store with {@code retention}. */
    public static MessageStore inMemory(Retention retention) {
        return new InMemoryMessageStore(retention, Clock.systemUTC());
    }

    /** An in-memory store with {@code retention}, aging messages by {@code clock} (for tests). */
    public static MessageStore inMemory(Retention retention, Clock clock) {
        return new InMemoryMessageStore(retention, clock);
    }

    /**
     * A JDBC store in a new, uniquely named in-memory H2 database, with {@link Retention#DEFAULT}. The
     * database lives while the store is open and is dropped by {@link MessageStore#close()}.
     */
    public static MessageStore h2InMemory() {
        return h2InMemory(Retention.DEFAULT, Clock.systemUTC());
    }

    /** Like {@link #h2InMemory()}, with {@code retention}, aging messages by {@code clock}. */
    public static MessageStore h2InMemory(Retention retention, Clock clock) {
        return JdbcMessageStore.h2InMemory(retention, clock);
    }

    /**
     * A JDBC store in the H2 database file at {@code path} (H2 adds {@code .mv.db}), created if missing;
     * it survives restarts. One process at a time may open an embedded H2 file; share one through an H2
     * server instead.
     */
    public static MessageStore h2File(Path path) {
        Objects.requireNonNull(path, "path");
        return jdbc(JdbcOptions.builder("jdbc:h2:file:" + path.toAbsolutePath()).build());
    }

    /**
     * A JDBC store at {@code url}, with credentials from the URL if any: {@code jdbc:h2:...} or {@code
     * jdbc:postgresql://host:5432/db?user=u&password=p}.
     */
    public static MessageStore jdbc(String url) {
        return jdbc(JdbcOptions.builder(url).build());
    }

    /** A JDBC store at {@code url} with {@code user} and {@code password}. */
    public static MessageStore jdbc(String url, String user, String password) {
        return jdbc(JdbcOptions.builder(url).credentials(user, password).build());
    }

    /** A JDBC store configured by {@code options} (table prefix, retention, clock, pool size). */
    public static MessageStore jdbc(JdbcOptions options) {
        return new JdbcMessageStore(options, false);
    }

    /**
     * The store a standalone server uses for the {@code JDBC_URL} setting: {@link #h2InMemory()} when
     * {@code urlOrNull} is {@code null} or blank, else {@link #jdbc(String)}.
     *
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
     * @throws io.github.realtimepatterns.core.StoreException if the database cannot be reached
     */
    public static void migrate(JdbcOptions options) {
        try (JdbcMessageStore store = new JdbcMessageStore(options, false)) {
            store.migrate();
        }
    }
}
