package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.standalone.Standalone;
import java.time.Duration;

/**
 * Runs {@link SseDbPolling} on its own: {@code PORT}, {@code HOST}, {@code JDBC_URL} (embedded H2 when
 * unset; an H2 server or PostgreSQL URL for many nodes) and the HTTP settings ({@link Env#httpSettings()}:
 * {@code ALLOWED_ORIGINS}, {@code MAX_BODY_BYTES}, {@code POLL_DEFAULT_LIMIT}, {@code POLL_MAX_LIMIT}) as in
 * every pattern, plus {@code SSE_POLL_INTERVAL} (default 500ms) and {@code SSE_HEARTBEAT} (default 15s).
 * With {@code REDIS_URL} set, Redis wakes the streams instead of the poller.
 */
public final class SseDbPollingServer {

    private SseDbPollingServer() {
    }

    /**
     * Starts the server and blocks until SIGTERM.
     *
     * @param args the command-line arguments (unused)
     */
    public static void main(String[] args) {
        Standalone.run(SseDbPolling.PATTERN, SseDbPollingServer::handler);
    }

    /** The handler {@code main} runs: polls the store, or listens to Redis when {@code REDIS_URL} is set. */
    static SseDbPollingHandler handler(Standalone.Resources resources, Env env) {
        SseDbPolling.Builder builder = SseDbPolling.builder(resources.store())
                .broker(resources.broker())
                .settings(env.httpSettings())
                .pollInterval(env.duration("SSE_POLL_INTERVAL", Duration.ofMillis(500)))
                .heartbeat(env.duration("SSE_HEARTBEAT", Duration.ofSeconds(15)));
        if (resources.redis()) {
            builder.changeSource(resources.broker()); // SSE woken by Redis: the same transport, another source
        }
        return builder.build();
    }
}
