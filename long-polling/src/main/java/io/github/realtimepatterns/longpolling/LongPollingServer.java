package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.standalone.Standalone;
import java.time.Duration;

/**
 * Long-polling on its own: {@code java -cp ... io.github.realtimepatterns.longpolling.LongPollingServer}.
 *
 * <p>Environment: {@code PORT} (8080), {@code HOST} (0.0.0.0), {@code JDBC_URL} (embedded H2 when unset),
 * {@code REDIS_URL} (in-JVM broker when unset), {@code LONG_POLL_TIMEOUT} (hold when a poll names no
 * {@code wait}, 25s), {@code LONG_POLL_MAX_TIMEOUT} (cap on {@code wait}, 60s), and the HTTP settings
 * every pattern reads ({@link io.github.realtimepatterns.core.standalone.Env#httpSettings()}):
 * {@code POLL_DEFAULT_LIMIT} (100), {@code POLL_MAX_LIMIT} (1000), {@code MAX_BODY_BYTES} (65536),
 * {@code ALLOWED_ORIGINS} (comma-separated origins allowed cross-origin, or {@code *}; unset: same-origin
 * only). Logs one line when ready; on SIGTERM answers parked polls, then stops.
 */
public final class LongPollingServer {

    private LongPollingServer() {
    }

    /**
     * Starts the server with the process environment and blocks until SIGTERM.
     *
     * @param args the command-line arguments (unused)
     */
    public static void main(String[] args) {
        Standalone.run("long-polling", LongPollingServer::handler);
    }

    /** The handler the standalone server runs, configured from {@code env}. */
    static LongPollingHandler handler(Standalone.Resources resources, io.github.realtimepatterns.core.standalone.Env env) {
        Duration max = env.duration("LONG_POLL_MAX_TIMEOUT", Duration.ofSeconds(60));
        Duration timeout = env.duration("LONG_POLL_TIMEOUT", Duration.ofSeconds(25).compareTo(max) > 0
                ? max : Duration.ofSeconds(25));
        if (timeout.compareTo(max) > 0) {
            throw new IllegalArgumentException("LONG_POLL_TIMEOUT must be <= LONG_POLL_MAX_TIMEOUT (" + max
                    + ") but was " + timeout);
        }
        return LongPolling.builder(resources.store())
                .broker(resources.broker())
                .settings(env.httpSettings())
                .timeout(timeout)
                .maxTimeout(max)
                .build();
    }
}
