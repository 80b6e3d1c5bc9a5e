package io.github.realtimepatterns.core.standalone;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The routine every pattern's {@code main} shares: read {@link Env}, open the store ({@code JDBC_URL}, or
 * an embedded H2) and the broker ({@code REDIS_URL}, or the in-JVM one, said in the log), build the
 * pattern's handler, listen on {@code HOST:PORT}, log one line with the URL, and stop cleanly on SIGTERM.
 * A bad setting or an unreachable store or broker stops start-up with a message naming it.
 */
public final class Standalone implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Standalone.class.getName());

    /** Builds a pattern's handler from the opened resources and the environment. */
    @FunctionalInterface
    public interface HandlerFactory {
        /**
         * The handler; it may read pattern-specific variables from {@code env}.
         *
         * @param resources what start-up opened
         * @param env the environment
         * @return the handler; it may read pattern-specific variables from {@code env}
         */
        RealtimeHandler create(Resources resources, Env env);
    }

    /** What start-up opened for the pattern: closed by the {@link Standalone} after the handler. */
    public interface Resources {
        /**
         * The store.
         *
         * @return the store
         */
        MessageStore store();

        /**
         * The broker: Redis when {@code REDIS_URL} is set, else in-JVM.
         *
         * @return the broker: Redis when {@code REDIS_URL} is set, else in-JVM
         */
        Broker broker();

        /**
         * Whether {@code REDIS_URL} was set.
         *
         * @return whether {@code REDIS_URL} was set
         */
        boolean redis();
    }

    private final PatternServer server;
    private final List<AutoCloseable> resources;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Standalone(PatternServer server, List<AutoCloseable> resources) {
        this.server = server;
        this.resources = resources;
    }

    /**
     * Starts {@code pattern} configured by {@code env}; returns when it listens.
     *
     * @param pattern the pattern
     * @param env the environment
     * @param factory what builds the handler
     * @return the running server; close it to stop it and release what it opened
     * @throws IllegalArgumentException naming the variable when a setting is bad
     * @throws io.github.realtimepatterns.core.RealtimeException when the store or broker cannot be reached
     */
    public static Standalone start(String pattern, Env env, HandlerFactory factory) {
        Objects.requireNonNull(factory, "factory");
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            int port = env.port();
            String host = env.host();
            String jdbcUrl = env.jdbcUrl();
            String redisUrl = env.redisUrl();
            MessageStore store = openStore(jdbcUrl);
            opened.add(0, store);
            try {
                store.checkHealth();
            } catch (RuntimeException e) {
                throw new IllegalStateException("JDBC_URL cannot be reached: " + e.getMessage(), e);
            }
            Broker broker = openBroker(redisUrl);
            opened.add(0, broker);
            LOG.log(System.Logger.Level.INFO, pattern + ": store " + (jdbcUrl == null ? "embedded in-memory H2" : "JDBC_URL")
                    + ", broker " + broker.describe());
            Resources resources = new Resources() {
                @Override
                public MessageStore store() {
                    return store;
                }

                @Override
                public Broker broker() {
                    return broker;
                }

                @Override
                public boolean redis() {
                    return redisUrl != null;
                }
            };
            RealtimeHandler handler = factory.create(resources, env);
            PatternServer server = PatternServer.builder(handler).host(host).port(port).start();
            Standalone running = new Standalone(server, opened);
            System.out.println(pattern + " ready at " + server.uri() + "/ (listening on " + host + ":"
                    + server.port() + ")");
            return running;
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * For {@code main}: starts with the process environment, exits with status 2 and a one-line reason
     * when start-up fails, and blocks until SIGTERM or Ctrl-C, which stop the server cleanly.
     *
     * @param pattern the pattern
     * @param factory what builds the handler
     */
    public static void run(String pattern, HandlerFactory factory) {
        Standalone running;
        try {
            running = start(pattern, Env.system(), factory);
        } catch (RuntimeException e) {
            System.err.println(pattern + ": cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, pattern + "-shutdown"));
        running.awaitStop();
    }

    /**
     * The server's base URI.
     *
     * @return the server's base URI
     */
    public java.net.URI uri() {
        return server.uri();
    }

    /** Blocks until {@link #close()}. */
    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server (answering parked requests), then closes the broker and the store. Idempotent. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        server.close();
        closeAll(resources);
        stopped.countDown();
    }

    private static MessageStore openStore(String jdbcUrl) {
        return MessageStores.fromJdbcUrl(jdbcUrl);
    }

    private static Broker openBroker(String redisUrl) {
        if (redisUrl == null) {
            return new InJvmBroker();
        }
        try {
            return RedisBroker.builder(redisUrl).build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("REDIS_URL cannot be reached: " + e.getMessage(), e);
        } catch (NoClassDefFoundError e) {
            // Jedis is optional for the patterns that need no Redis; their server jars include it.
            throw new IllegalStateException("REDIS_URL needs the Redis client on the class path "
                    + "(redis.clients:jedis): " + e.getMessage(), e);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
            }
        }
    }
}
