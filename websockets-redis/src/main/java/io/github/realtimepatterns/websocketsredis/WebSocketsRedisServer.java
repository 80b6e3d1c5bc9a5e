package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.standalone.Standalone;
import java.time.Duration;

/**
 * Runs the pattern alone: {@code PORT}, {@code HOST}, {@code JDBC_URL}, {@code REDIS_URL} (unset: the
 * in-JVM broker, said in the log) and {@code WS_PING_INTERVAL} (default {@code 25s}).
 */
public final class WebSocketsRedisServer {

    private WebSocketsRedisServer() {
    }

    /** Starts the server and blocks until SIGTERM. */
    public static void main(String[] args) {
        Standalone.run("websockets-redis", (resources, env) -> WebSocketsRedis.builder(resources.store())
                .broker(resources.broker())
                .pingInterval(env.duration("WS_PING_INTERVAL", Duration.ofSeconds(25)))
                .build());
    }
}
