package io.github.realtimepatterns.polling;

import io.github.realtimepatterns.core.standalone.Standalone;

/**
 * The polling pattern on its own: {@code java -cp ... io.github.realtimepatterns.polling.PollingServer}.
 *
 * <p>Environment: {@code PORT} (8080), {@code HOST} (0.0.0.0), {@code JDBC_URL} (embedded H2 when unset),
 * {@code REDIS_URL} (in-JVM broker when unset), and the HTTP settings every pattern reads
 * ({@link io.github.realtimepatterns.core.standalone.Env#httpSettings()}): {@code POLL_DEFAULT_LIMIT}
 * (messages per answer when a poll names no {@code limit}, 100), {@code POLL_MAX_LIMIT} (largest
 * {@code limit}, 1000), {@code MAX_BODY_BYTES} (largest publish body, 65536), {@code ALLOWED_ORIGINS}
 * (comma-separated origins allowed cross-origin, or {@code *}; unset: same-origin only). Logs one line
 * when ready; stops cleanly on SIGTERM.
 */
public final class PollingServer {

    private PollingServer() {
    }

    /**
     * Starts the server with the process environment and blocks until SIGTERM.
     *
     * @param args the command-line arguments (unused)
     */
    public static void main(String[] args) {
        Standalone.run("polling", (resources, env) -> Polling.builder(resources.store())
                .broker(resources.broker())
                .settings(env.httpSettings())
                .build());
    }
}
