package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.standalone.Standalone;
import java.time.Duration;

/**
 * One node of a long-polling cluster: {@code java -cp ... io.github.realtimepatterns.longpollingbroker.LongPollingBrokerServer}.
 *
 * <p>Environment: {@code REDIS_URL} (required, {@code redis://host:6379}) and {@code JDBC_URL} (required, a
 * database every node shares: {@code jdbc:postgresql://...} or {@code jdbc:h2:tcp://...}). Without them, or
 * when either cannot be reached, the node refuses to start (exit status 2, a line on stderr naming the
 * variable): a single node is the long-polling module's job, and a node that silently fell back to an
 * in-process store or broker would split the cluster. Optional: {@code PORT} (8080), {@code HOST}
 * (0.0.0.0), {@code LONG_POLL_TIMEOUT} (hold when a poll names no {@code wait}, 25s), {@code
 * LONG_POLL_MAX_TIMEOUT} (cap on {@code wait}, 60s), {@code SWEEP_INTERVAL} (safety re-read of the store,
 * 10s), and the HTTP settings every pattern reads ({@link Env#httpSettings()}): {@code POLL_DEFAULT_LIMIT}
 * (100), {@code POLL_MAX_LIMIT} (1000), {@code MAX_BODY_BYTES} (65536), {@code ALLOWED_ORIGINS}
 * (comma-separated origins allowed cross-origin, or {@code *}). Logs one line when ready; on SIGTERM answers
 * parked polls, then stops.
 */
public final class LongPollingBrokerServer {

    /** The pattern name, as in the ready line. */
    static final String PATTERN = "long-polling-broker";

    private LongPollingBrokerServer() {
    }

    /**
     * Starts the node with the process environment and blocks until SIGTERM.
     *
     * @param args the command-line arguments (unused)
     */
    public static void main(String[] args) {
        try {
            // Before Standalone opens anything: a missing variable must not be reported as something else.
            requireCluster(Env.system());
        } catch (IllegalArgumentException e) {
            System.err.println(PATTERN + ": cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Standalone.run(PATTERN, LongPollingBrokerServer::handler);
    }

    /**
     * Starts a node configured by {@code env} (for tests and embedding); see the class comment.
     *
     * @param env the environment
     * @return the running node; close it to stop it
     * @throws IllegalArgumentException naming the variable when a setting is missing or bad
     * @throws io.github.realtimepatterns.core.RealtimeException when Redis or the database cannot be reached
     */
    public static Standalone start(Env env) {
        requireCluster(env);
        return Standalone.start(PATTERN, env, LongPollingBrokerServer::handler);
    }

    /** The handler a node runs, configured from {@code env}. */
    static LongPollingBrokerHandler handler(Standalone.Resources resources, Env env) {
        requireCluster(env);
        if (!(resources.broker() instanceof RedisBroker)) {
            throw new IllegalArgumentException("REDIS_URL is required: every node must share one Redis");
        }
        Duration max = env.duration("LONG_POLL_MAX_TIMEOUT", Duration.ofSeconds(60));
        Duration timeout = env.duration("LONG_POLL_TIMEOUT", Duration.ofSeconds(25).compareTo(max) > 0
                ? max : Duration.ofSeconds(25));
        if (timeout.compareTo(max) > 0) {
            throw new IllegalArgumentException("LONG_POLL_TIMEOUT must be <= LONG_POLL_MAX_TIMEOUT (" + max
                    + ") but was " + timeout);
        }
        Duration sweep = env.duration("SWEEP_INTERVAL", Duration.ofSeconds(10));
        return LongPollingBroker.builder(resources.store(), resources.broker())
                .settings(env.httpSettings())
                .timeout(timeout)
                .maxTimeout(max)
                .sweepInterval(sweep)
                .build();
    }

    /** Refuses a node that would not share its store and broker with the others. */
    private static void requireCluster(Env env) {
        if (env.redisUrl() == null) {
            throw new IllegalArgumentException("REDIS_URL is required (e.g. redis://127.0.0.1:6379): every node "
                    + "must share one Redis; for a single node use the long-polling server");
        }
        if (env.jdbcUrl() == null) {
            throw new IllegalArgumentException("JDBC_URL is required (jdbc:postgresql://... or jdbc:h2:tcp://...): "
                    + "every node must share one database; for a single node use the long-polling server");
        }
        LongPollingBroker.sharedJdbcUrl("JDBC_URL", env.jdbcUrl());
    }
}
