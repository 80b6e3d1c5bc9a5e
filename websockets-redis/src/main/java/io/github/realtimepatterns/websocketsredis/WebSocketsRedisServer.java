package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.standalone.Standalone;
import java.time.Duration;

/**
 * Runs the pattern alone: {@code PORT}, {@code HOST}, {@code JDBC_URL}, {@code REDIS_URL} (unset: the
 * in-JVM broker, said in the log), the HTTP settings every pattern reads ({@link Env#httpSettings()}:
 * {@code ALLOWED_ORIGINS}, the origins besides this server's own that may open a socket, and
 * {@code MAX_BODY_BYTES}, {@code POLL_DEFAULT_LIMIT}, {@code POLL_MAX_LIMIT}) and {@code WS_PING_INTERVAL}
 * (default {@code 25s}).
 */
public final class WebSocketsRedisServer {

    private WebSocketsRedisServer() {
    }

    /**
     * Starts the server and blocks until SIGTERM.
     *
     * @param args the command-line arguments (unused)
     */
    public static void main(String[] args) {
        Standalone.run("websockets-redis", WebSocketsRedisServer::handler);
    }

    /** The handler {@code main} runs, configured from {@code env}. */
    static WebSocketsRedisHandler handler(Standalone.Resources resources, Env env) {
        return WebSocketsRedis.builder(resources.store())
                .broker(resources.broker())
                .settings(env.httpSettings())
                .pingInterval(env.duration("WS_PING_INTERVAL", Duration.ofSeconds(25)))
                .build();
    }
}
