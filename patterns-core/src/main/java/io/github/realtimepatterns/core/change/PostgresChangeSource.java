package io.github.realtimepatterns.core.change;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.store.AppendHook;
import io.github.realtimepatterns.core.store.JdbcOptions;
import io.github.realtimepatterns.core.store.MessageStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A {@link ChangeSource} for nodes that share a PostgreSQL store and run no Redis: PostgreSQL's own
 * {@code LISTEN}/{@code NOTIFY} wakes them.
 *
 * <p>Every append sends {@code NOTIFY rp_changes, '<channel>:<id>'} inside its own transaction (the store
 * is built with {@link JdbcOptions.Builder#appendHook} set to {@link #NOTIFY}), so PostgreSQL delivers the
 * notification only once the message has committed, to every node. Each node holds <b>one</b> listening
 * connection, outside the store's pool. A notification for a channel this node follows wakes its {@link
 * StorePoller}, which reads every followed channel after its own cursors in one query and hands the new
 * messages, in id order, to the listeners; notifications that arrive during a read are answered by one more
 * read. The payload is the channel and the id only (far below PostgreSQL's 8,000-byte limit, whatever the
 * message's size): the messages themselves always come from the store.
 *
 * <p>A lost notification costs latency, never a message: the poller keeps its own cursor per channel, and
 * reads on its own every {@link Builder#safetyInterval} (default 10 s). When the listening connection fails
 * (the server restarted, {@code pg_terminate_backend}, a network cut, or a frozen server that leaves a ping
 * unanswered), the source reconnects with capped exponential backoff and jitter (100 ms to 5 s), reads the
 * store every {@link Builder#fallbackInterval} (500 ms) meanwhile, and reads once more as soon as it
 * listens again. {@link #isHealthy()} is false while it is not listening.
 *
 * <p>Thread-safe. One daemon thread for the listening connection and the poller's own; {@link #close()}
 * stops both (idempotent) and does not close the store. Needs {@code org.postgresql:postgresql} at run time.
 */
public final class PostgresChangeSource implements ChangeSource {

    /** The PostgreSQL notification channel every append notifies and every node listens to. */
    public static final String NOTIFY_CHANNEL = "rp_changes";

    /**
     * The append hook that notifies {@link #NOTIFY_CHANNEL} with {@code <channel>:<id>} in the append's
     * transaction: {@code JdbcOptions.builder(url).appendHook(PostgresChangeSource.NOTIFY)}.
     */
    public static final AppendHook NOTIFY = (transaction, stored) -> {
        try (PreparedStatement notify = transaction.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, NOTIFY_CHANNEL);
            notify.setString(2, stored.channel() + ":" + stored.id());
            notify.execute();
        }
    };

    private static final System.Logger LOG = System.getLogger(PostgresChangeSource.class.getName());
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final JdbcOptions options;
    private final StorePoller poller;
    private final Duration fallbackInterval;
    private final Duration pingInterval;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final ConcurrentHashMap<String, AtomicInteger> followed = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder notifications = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final Object sleeper = new Object();
    private final Thread thread;
    private volatile boolean listening;
    private volatile Integer backendPid;
    private long lastFailureLog; // listener thread only

    private PostgresChangeSource(Builder b) {
        this.options = b.options;
        this.fallbackInterval = b.fallbackInterval;
        this.pingInterval = b.pingInterval;
        this.minBackoffMillis = b.minBackoff.toMillis();
        this.maxBackoffMillis = b.maxBackoff.toMillis();
        this.poller = StorePoller.builder(b.store).interval(b.safetyInterval).threadName("rp-pg-poller").build();
        this.thread = new Thread(this::listen, "rp-pg-listener");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A source that reads {@code store} and listens on the database of {@code options} (its URL and
     * credentials; the store should be built from the same options with {@link #NOTIFY} as its append
     * hook, else only the safety reads find new messages).
     *
     * @param store the message store (the truth)
     * @param options the options
     * @return a source that reads {@code store} and listens on the database of {@code options} (its URL and
     *         credentials; the store should be built from the same options with {@link #NOTIFY} as its append hook,
     *         else only the safety reads find new messages)
     * @throws IllegalArgumentException when {@code options} does not name a PostgreSQL database
     */
    public static Builder builder(MessageStore store, JdbcOptions options) {
        return new Builder(store, options);
    }

    @Override
    public Subscription subscribe(String channel, ChangeListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("PostgreSQL change source is closed");
        }
        followed.computeIfAbsent(channel, c -> new AtomicInteger()).incrementAndGet();
        Subscription inner = poller.subscribe(channel, listener);
        poller.pollNow(); // the subscription goes live at the next read: make it now, not at the safety read
        AtomicBoolean ended = new AtomicBoolean();
        return new Subscription() {
            @Override
            public String channel() {
                return channel;
            }

            @Override
            public void close() {
                if (ended.compareAndSet(false, true)) {
                    inner.close();
                    followed.computeIfPresent(channel, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
                }
            }
        };
    }

    /** Whether the listening connection is up and the last read of the store succeeded. */
    @Override
    public boolean isHealthy() {
        return listening && poller.isHealthy() && !closed.get();
    }

    @Override
    public String describe() {
        return "PostgreSQL LISTEN " + NOTIFY_CHANNEL + " (store read on each notification, and every "
                + poller.describe().replace("store poller every ", "") + " as a safety net)";
    }

    /**
     * Notifications received on the listening connection since start (every channel, followed or not).
     *
     * @return notifications received on the listening connection since start (every channel, followed or not)
     */
    public long notificationCount() {
        return notifications.sum();
    }

    /**
     * Times the listening connection was opened again after it failed.
     *
     * @return times the listening connection was opened again after it failed
     */
    public long reconnectCount() {
        return reconnects.sum();
    }

    /**
     * Reads of the store since start (on notifications, on the safety interval, while reconnecting).
     *
     * @return reads of the store since start (on notifications, on the safety interval, while reconnecting)
     */
    public long readCount() {
        return poller.pollCount();
    }

    /**
     * The PostgreSQL backend process id of the listening connection while it listens, else {@code null}
     * (what {@code pg_terminate_backend} takes).
     *
     * @return the PostgreSQL backend process id of the listening connection while it listens, else {@code null}
     *         (what {@code pg_terminate_backend} takes)
     */
    public Integer listenerBackendPid() {
        return backendPid;
    }

    /** Stops listening and polling; waits up to 5 s for the listening thread. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        poller.close();
        followed.clear();
    }

    private void listen() {
        int failures = 0;
        boolean first = true;
        while (!closed.get()) {
            try (Connection connection = open()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + NOTIFY_CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                backendPid = pg.getBackendPID();
                listening = true;
                if (!first) {
                    reconnects.increment();
                    LOG.log(System.Logger.Level.INFO, "listening on " + NOTIFY_CHANNEL + " again");
                }
                first = false;
                failures = 0;
                poller.pollNow(); // whatever committed while nobody listened
                serve(connection, pg);
            } catch (SQLException | RuntimeException e) {
                if (closed.get()) {
                    break;
                }
                logFailure(e);
            } finally {
                listening = false;
                backendPid = null;
            }
            if (!closed.get()) {
                waitPolling(backoff(failures++));
            }
        }
    }

    /** Receives notifications until the connection fails or the source closes. */
    private void serve(Connection connection, PGConnection pg) throws SQLException {
        long slice = Math.min(250, pingInterval.toMillis());
        long nextPing = System.nanoTime() + pingInterval.toNanos();
        while (!closed.get()) {
            PGNotification[] received = pg.getNotifications((int) slice);
            if (received != null && received.length > 0) {
                boolean wake = false;
                for (PGNotification n : received) {
                    notifications.increment();
                    String payload = n.getParameter();
                    int colon = payload == null ? -1 : payload.lastIndexOf(':');
                    if (NOTIFY_CHANNEL.equals(n.getName()) && colon > 0 && followed.containsKey(payload.substring(0, colon))) {
                        wake = true;
                    }
                }
                if (wake) {
                    poller.pollNow();
                }
            }
            if (System.nanoTime() - nextPing > 0) {
                // A frozen server sends nothing and closes nothing: only an unanswered ping tells.
                try (Statement ping = connection.createStatement()) {
                    ping.execute("SELECT 1");
                }
                nextPing = System.nanoTime() + pingInterval.toNanos();
            }
        }
    }

    private Connection open() throws SQLException {
        Properties props = new Properties();
        if (options.user() != null) {
            props.setProperty("user", options.user());
        }
        if (options.password() != null) {
            props.setProperty("password", options.password());
        }
        props.setProperty("connectTimeout", String.valueOf(Math.max(1, pingInterval.toSeconds() * 2)));
        Connection connection = DriverManager.getConnection(options.url(), props);
        try {
            connection.setAutoCommit(true);
            connection.setNetworkTimeout(Runnable::run, (int) pingInterval.multipliedBy(2).toMillis());
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private Duration backoff(int failures) {
        long ceiling = Math.min(maxBackoffMillis, minBackoffMillis << Math.min(failures, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(minBackoffMillis, ceiling + 1));
    }

    /** Waits {@code total} before reconnecting, reading the store every fallback interval meanwhile. */
    private void waitPolling(Duration total) {
        long deadline = System.nanoTime() + total.toNanos();
        synchronized (sleeper) {
            while (!closed.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                poller.pollNow();
                try {
                    TimeUnit.NANOSECONDS.timedWait(sleeper, Math.min(left, fallbackInterval.toNanos()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void logFailure(Exception e) {
        long now = System.nanoTime();
        if (lastFailureLog == 0 || now - lastFailureLog > FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLog = now;
            LOG.log(System.Logger.Level.WARNING, "listening on " + NOTIFY_CHANNEL + " at "
                    + options.url().replaceAll("password=[^&;]*", "password=***")
                    + " failed (" + e.getMessage() + "); reading the store every " + fallbackInterval.toMillis()
                    + " ms while reconnecting");
        }
    }

    /** Builds a {@link PostgresChangeSource}; every setting has a default. */
    public static final class Builder {
        private final MessageStore store;
        private final JdbcOptions options;
        private Duration safetyInterval = Duration.ofSeconds(10);
        private Duration fallbackInterval = Duration.ofMillis(500);
        private Duration pingInterval = Duration.ofSeconds(2);
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);

        private Builder(MessageStore store, JdbcOptions options) {
            this.store = Objects.requireNonNull(store, "store");
            this.options = Objects.requireNonNull(options, "options");
            if (!options.url().startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("options must name a PostgreSQL database (jdbc:postgresql:...)"
                        + " but was " + options.url());
            }
        }

        /**
         * How often the store is read even without notifications, while listening (default 10 s).
         *
         * @param interval how often
         * @return this builder
         */
        public Builder safetyInterval(Duration interval) {
            this.safetyInterval = positive("safetyInterval", interval);
            return this;
        }

        /**
         * How often the store is read while the listening connection is down (default 500 ms).
         *
         * @param interval how often
         * @return this builder
         */
        public Builder fallbackInterval(Duration interval) {
            this.fallbackInterval = positive("fallbackInterval", interval);
            return this;
        }

        /**
         * How often the listening connection is probed with {@code SELECT 1} (default 2 s); a probe or a read
         * that takes more than twice this long counts as a dead connection.
         *
         * @param interval how often
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = positive("pingInterval", interval);
            if (interval.toMillis() < 10) {
                throw new IllegalArgumentException("pingInterval must be >= 10ms but was " + interval);
            }
            return this;
        }

        /**
         * The wait before reconnecting: from {@code min}, doubling per failure up to {@code max}, with jitter.
         *
         * @param min the smallest value
         * @param max the largest value
         * @return this builder
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            positive("reconnectBackoff min", min);
            positive("reconnectBackoff max", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnectBackoff max must be >= min but was " + max + " < " + min);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /**
         * The source, listening and polling.
         *
         * @return the source, listening and polling
         */
        public PostgresChangeSource build() {
            return new PostgresChangeSource(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }
    }
}
