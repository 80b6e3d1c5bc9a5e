package io.github.realtimepatterns.core.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small bounded pool of JDBC connections opened through {@link DriverManager}: at most {@code max}
 * connections in use at once, idle ones kept for reuse. A connection whose use raised an error is checked
 * with {@link Connection#isValid(int)} when returned and dropped when broken, so a restarted database
 * costs one failed operation, not a pool of dead sockets. Thread-safe.
 */
final class ConnectionPool implements DataSource, AutoCloseable {

    private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String url;
    private final Properties credentials;
    private final Semaphore permits;
    private final Duration acquireTimeout;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>(); // guarded by this
    private boolean closed; // guarded by this

    ConnectionPool(String url, String user, String password, int max, Duration acquireTimeout) {
        this.url = Objects.requireNonNull(url, "url");
        if (max < 1) {
            throw new IllegalArgumentException("max connections must be >= 1 but was " + max);
        }
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        this.permits = new Semaphore(max, true);
        this.acquireTimeout = acquireTimeout;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            if (!permits.tryAcquire(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLException("no free connection to " + url + " within " + acquireTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection to " + url, e);
        }
        try {
            Connection physical = null;
            while (physical == null) {
                Idle kept;
                synchronized (this) {
                    if (closed) {
                        throw new SQLException("connection pool of " + url + " is closed");
                    }
                    kept = idle.pollLast();
                }
                if (kept == null) {
                    physical = DriverManager.getConnection(url, credentials);
                } else if (System.nanoTime() - kept.since < VALIDATE_AFTER_IDLE_NANOS || isValid(kept.connection)) {
                    physical = kept.connection;
                } else {
                    closeQuietly(kept.connection); // broken while idle (database restarted): open another
                }
            }
            return lease(physical);
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are fixed");
    }

    /** Number of idle connections kept now. */
    synchronized int idleCount() {
        return idle.size();
    }

    /** Closes the idle connections that no longer answer, after an operation failed. */
    void discardBrokenIdle() {
        ArrayDeque<Idle> check;
        synchronized (this) {
            check = new ArrayDeque<>(idle);
            idle.clear();
        }
        for (Idle kept : check) {
            if (isValid(kept.connection)) {
                synchronized (this) {
                    if (!closed) {
                        idle.addLast(kept);
                        continue;
                    }
                }
            }
            closeQuietly(kept.connection);
        }
    }

    private static boolean isValid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        ArrayDeque<Connection> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayDeque<>();
            idle.forEach(kept -> toClose.add(kept.connection));
            idle.clear();
        }
        toClose.forEach(ConnectionPool::closeQuietly);
    }

    private Connection lease(Connection physical) {
        Lease lease = new Lease(physical);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, lease);
    }

    private void giveBack(Connection physical, boolean failed) {
        try {
            boolean reusable = !physical.isClosed() && (!failed || physical.isValid(2));
            if (reusable && !physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            synchronized (this) {
                if (reusable && !closed) {
                    idle.addLast(new Idle(physical, System.nanoTime()));
                    return;
                }
            }
            closeQuietly(physical);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(physical);
        } finally {
            permits.release();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // The connection is being discarded; a failure to close it has nothing left to clean up.
            System.getLogger(ConnectionPool.class.getName()).log(System.Logger.Level.DEBUG,
                    "closing a discarded connection failed", e);
        }
    }

    /** A connection waiting for reuse, and since when (nanoTime). */
    private record Idle(Connection connection, long since) {
    }

    /** One borrowing of a physical connection: {@code close()} returns it to the pool, once. */
    private final class Lease implements InvocationHandler {
        private final Connection physical;
        private boolean returned;
        private boolean failed;

        Lease(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    synchronized (this) {
                        if (returned) {
                            return null;
                        }
                        returned = true;
                    }
                    giveBack(physical, failed);
                    return null;
                case "isClosed":
                    synchronized (this) {
                        if (returned) {
                            return true;
                        }
                    }
                    break;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "pooled " + physical;
                default:
                    synchronized (this) {
                        if (returned) {
                            throw new SQLException("connection was returned to the pool");
                        }
                    }
            }
            try {
                return method.invoke(physical, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException) {
                    failed = true;
                }
                throw e.getCause();
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // Logging goes through System.Logger.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
