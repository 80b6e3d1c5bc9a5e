package io.github.realtimepatterns.core.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach and use a JDBC message store (H2 embedded or server, PostgreSQL): the URL and
 * credentials, the table prefix, the retention, the clock and the pool size. Immutable and thread-safe;
 * made by {@link #builder(String)}.
 *
 * <p>Defaults: no user or password (or those in the URL), table prefix {@code rp_}, {@link
 * Retention#DEFAULT}, {@link Clock#systemUTC()}, at most 10 pooled connections, a 10 s wait for a free
 * connection, no {@link AppendHook}.
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
        this.appendHook = b.appendHook;
    }

    /**
     * Options for the database at {@code url} ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}; the
     * PostgreSQL driver must be on the class path at run time).
     *
     * @throws IllegalArgumentException if {@code url} does not start with {@code jdbc:}
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** The JDBC URL. */
    public String url() {
        return url;
    }

    /** The user name, or {@code null} to use the URL's or the driver's default. */
    public String user() {
        return user;
    }

    /** The password, or {@code null}. */
    public String password() {
        return password;
    }

    /** The prefix of both tables' names ({@code <prefix>channels}, {@code <prefix>messages}). */
    public String tablePrefix() {
        return tablePrefix;
    }

    /** How much history is kept per channel. */
    public Retention retention() {
        return retention;
    }

    /** The clock that stamps messages and ages them. */
    public Clock clock() {
        return clock;
    }

    /** Most connections the store's pool opens at once. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Longest wait for a free pooled connection before an operation fails. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** What each append also does in its transaction, or {@code null} for nothing. */
    public AppendHook appendHook() {
        return appendHook;
    }

    @Override
    public String toString() {
        return "JdbcOptions[url=" + url + ", tablePrefix=" + tablePrefix + ", retention=" + retention + "]";
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
        private Duration connectionTimeout = Duration.ofSeconds(10);
        private AppendHook appendHook;

        private Builder(String url) {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("url must start with jdbc: but was " + url);
            }
            this.url = url;
        }

        /** The user name and password ({@code null} for none). */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** The table prefix: a letter or {@code _}, then up to 29 letters, digits or {@code _}. Default {@code rp_}. */
        public Builder tablePrefix(String tablePrefix) {
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            if (!PREFIX.matcher(tablePrefix).matches()) {
                throw new IllegalArgumentException("tablePrefix must match " + PREFIX + " but was " + tablePrefix);
            }
            this.tablePrefix = tablePrefix;
            return this;
        }

        /** How much history to keep per channel. Default {@link Retention#DEFAULT}. */
        public Builder retention(Retention retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** The clock that stamps and ages messages. Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Most pooled connections, {@code >= 1}. Default 10. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1 but was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** Longest wait for a free connection, positive. Default 10 s. */
        public Builder connectionTimeout(Duration connectionTimeout) {
            Objects.requireNonNull(connectionTimeout, "connectionTimeout");
            if (connectionTimeout.isNegative() || connectionTimeout.isZero()) {
                throw new IllegalArgumentException("connectionTimeout must be > 0 but was " + connectionTimeout);
            }
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /**
         * Work each append also does inside its transaction, after the insert (default none): for example
         * {@link io.github.realtimepatterns.core.change.PostgresChangeSource#NOTIFY}.
         */
        public Builder appendHook(AppendHook appendHook) {
            this.appendHook = Objects.requireNonNull(appendHook, "appendHook");
            return this;
        }

        /** The options. */
        public JdbcOptions build() {
            return new JdbcOptions(this);
        }
    }
}
