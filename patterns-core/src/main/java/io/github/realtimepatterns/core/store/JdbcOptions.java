package io.github.realtimepatterns.core.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach and use a JDBC message store (H2 embedded or server, PostgreSQL): the URL and
 * credentials, the table prefix, the retention, the clock, the pool size and the time limits. Immutable
 * and thread-safe; made by {@link #builder(String)} for a database the library connects to itself
 * (through a HikariCP pool it opens and closes), or by {@link #builder()} for the application's own
 * {@code DataSource} or {@code Jdbi} ({@link MessageStores#jdbc(javax.sql.DataSource, JdbcOptions)}),
 * where the URL, credentials and pool settings are the application's.
 *
 * <p>Defaults: no user or password (or those in the URL), table prefix {@code rp_}, {@link
 * Retention#DEFAULT}, {@link Clock#systemUTC()}, at most 10 pooled connections, a 2 s wait for a free
 * connection, a 2 s limit on each SQL statement (together they bound how long a publish can take while
 * the database is slow or unreachable), no {@link AppendHook}.
 */
public final class JdbcOptions {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,29}");

    private final String url;
    private final String user;
    private final String password;
    private final String tablePrefix;
    private final Retention retention;
    private final Clock clock;
    private final int maxConnections;
    private final Duration connectionTimeout;
    private final Duration statementTimeout;
    private final AppendHook appendHook;

    private JdbcOptions(Builder b) {
        this.url = b.url;
        this.user = b.user;
        this.password = b.password;
        this.tablePrefix = b.tablePrefix;
        this.retention = b.retention;
        this.clock = b.clock;
        this.maxConnections = b.maxConnections;
        this.connectionTimeout = b.connectionTimeout;
        this.statementTimeout = b.statementTimeout;
        this.appendHook = b.appendHook;
    }

    /**
     * Options for the database at {@code url} ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}; the
     * PostgreSQL driver must be on the class path at run time).
     *
     * @param url the URL
     * @return options for the database at {@code url} ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}; the
     *         PostgreSQL driver must be on the class path at run time)
     * @throws IllegalArgumentException if {@code url} does not start with {@code jdbc:}
     */
    public static Builder builder(String url) {
        Objects.requireNonNull(url, "url");
        return new Builder(url);
    }

    /**
     * Options for a store over the application's {@code DataSource} or {@code Jdbi}: the table prefix,
     * retention, clock and statement timeout apply; there is no URL, and the pool is the application's.
     *
     * @return options for a store over the application's {@code DataSource} or {@code Jdbi}: the table prefix,
     *         retention, clock and statement timeout apply; there is no URL, and the pool is the application's
     */
    public static Builder builder() {
        return new Builder(null);
    }

    /**
     * The JDBC URL, or {@code null} when the options are for the application's {@code DataSource}.
     *
     * @return the JDBC URL, or {@code null} when the options are for the application's {@code DataSource}
     */
    public String url() {
        return url;
    }

    /**
     * The user name, or {@code null} to use the URL's or the driver's default.
     *
     * @return the user name, or {@code null} to use the URL's or the driver's default
     */
    public String user() {
        return user;
    }

    /**
     * The password, or {@code null}.
     *
     * @return the password, or {@code null}
     */
    public String password() {
        return password;
    }

    /**
     * The prefix of both tables' names ({@code <prefix>channels}, {@code <prefix>messages}).
     *
     * @return the prefix of both tables' names ({@code <prefix>channels}, {@code <prefix>messages})
     */
    public String tablePrefix() {
        return tablePrefix;
    }

    /**
     * How much history is kept per channel.
     *
     * @return how much history is kept per channel
     */
    public Retention retention() {
        return retention;
    }

    /**
     * The clock that stamps messages and ages them.
     *
     * @return the clock that stamps messages and ages them
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Most connections the store's pool opens at once.
     *
     * @return most connections the store's pool opens at once
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Longest wait for a free pooled connection before an operation fails (pool the library opens only).
     *
     * @return longest wait for a free pooled connection before an operation fails (pool the library opens only)
     */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /**
     * Longest run of one SQL statement before it is cancelled and the operation fails; zero for no limit.
     *
     * @return longest run of one SQL statement before it is cancelled and the operation fails; zero for no limit
     */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /**
     * What each append also does in its transaction, or {@code null} for nothing.
     *
     * @return what each append also does in its transaction, or {@code null} for nothing
     */
    public AppendHook appendHook() {
        return appendHook;
    }

    @Override
    public String toString() {
        return "JdbcOptions[" + (url == null ? "" : "url=" + url + ", ") + "tablePrefix=" + tablePrefix
                + ", retention=" + retention + "]";
    }

    /** Builds {@link JdbcOptions}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final String url;
        private String user;
        private String password;
        private String tablePrefix = "rp_";
        private Retention retention = Retention.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private int maxConnections = 10;
        private Duration connectionTimeout = Duration.ofSeconds(2);
        private Duration statementTimeout = Duration.ofSeconds(2);
        private AppendHook appendHook;

        private Builder(String url) {
            if (url != null && !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("url must start with jdbc: but was " + url);
            }
            this.url = url;
        }

        /**
         * The user name and password ({@code null} for none).
         *
         * @param user the user
         * @param password the password
         * @return this builder
         */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * The table prefix: a letter or {@code _}, then up to 29 letters, digits or {@code _}. Default {@code rp_}.
         *
         * @param tablePrefix the prefix of both tables' names
         * @return this builder
         */
        public Builder tablePrefix(String tablePrefix) {
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            if (!PREFIX.matcher(tablePrefix).matches()) {
                throw new IllegalArgumentException("tablePrefix must match " + PREFIX + " but was " + tablePrefix);
            }
            this.tablePrefix = tablePrefix;
            return this;
        }

        /**
         * How much history to keep per channel. Default {@link Retention#DEFAULT}.
         *
         * @param retention how much history to keep
         * @return this builder
         */
        public Builder retention(Retention retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /**
         * The clock that stamps and ages messages. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Most pooled connections, {@code >= 1}. Default 10.
         *
         * @param maxConnections the max connections
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1 but was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Longest wait for a free connection of the pool the library opens for a URL, at least 250 ms
         * (HikariCP's floor). Default 2 s.
         *
         * @param connectionTimeout the connection timeout
         * @return this builder
         */
        public Builder connectionTimeout(Duration connectionTimeout) {
            Objects.requireNonNull(connectionTimeout, "connectionTimeout");
            if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0) {
                throw new IllegalArgumentException("connectionTimeout must be >= 250ms but was " + connectionTimeout);
            }
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /**
         * Longest run of one SQL statement, in whole seconds (JDBC's unit; a fraction counts as a whole
         * second), or {@link Duration#ZERO} for no limit. A statement past it is cancelled and the operation
         * fails with a {@code StoreException}; on H2 it also bounds the wait for a row lock. Default 2 s.
         *
         * @param statementTimeout the statement timeout
         * @return this builder
         */
        public Builder statementTimeout(Duration statementTimeout) {
            Objects.requireNonNull(statementTimeout, "statementTimeout");
            if (statementTimeout.isNegative()) {
                throw new IllegalArgumentException("statementTimeout must be >= 0 but was " + statementTimeout);
            }
            this.statementTimeout = statementTimeout;
            return this;
        }

        /**
         * Work each append also does inside its transaction, after the insert (default none): for example
         * {@link io.github.realtimepatterns.core.change.PostgresChangeSource#NOTIFY}.
         *
         * @param appendHook the work each append also does in its transaction
         * @return this builder
         */
        public Builder appendHook(AppendHook appendHook) {
            this.appendHook = Objects.requireNonNull(appendHook, "appendHook");
            return this;
        }

        /**
         * The options.
         *
         * @return the options
         */
        public JdbcOptions build() {
            return new JdbcOptions(this);
        }
    }
}
