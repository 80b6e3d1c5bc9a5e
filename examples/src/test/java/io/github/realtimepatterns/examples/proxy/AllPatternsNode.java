package io.github.realtimepatterns.examples.proxy;

import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpollingbroker.LongPollingBroker;
import io.github.realtimepatterns.polling.Polling;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.ssedbpolling.SseDbPollingHandler;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisHandler;
import io.undertow.Handlers;
import io.undertow.server.handlers.PathHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One node of the proxy tests, run as its own JVM: all five patterns mounted side by side under
 * {@code /<pattern>/} over the shared store at {@code JDBC_URL} and the Redis at {@code REDIS_URL}
 * (both required), listening on {@code HOST:PORT}. Prints {@code all-patterns ready at URL} when it
 * listens; {@code GET /__node} answers how many SSE streams and WebSockets it holds. The hubs' safety
 * sweep is one minute, so within a test only the resync after a Redis reconnect can save a message whose
 * notification was lost.
 */
public final class AllPatternsNode {

    /** The mount prefixes, in the order of the module table. */
    public static final List<String> PATTERNS = List.of("polling", "long-polling", "long-polling-broker",
            "sse-db-polling", "websockets-redis");

    /** How long a long-poll is held when it names no wait, and the wait the tests' clients ask for. */
    public static final Duration LONG_POLL = Duration.ofSeconds(5);

    private static final Duration SWEEP = Duration.ofMinutes(1);

    private AllPatternsNode() {
    }

    /** Starts the node; runs until SIGTERM (which closes everything) or SIGKILL. */
    public static void main(String[] args) throws InterruptedException {
        Env env = Env.system();
        if (env.jdbcUrl() == null || env.redisUrl() == null) {
            System.err.println("all-patterns: JDBC_URL and REDIS_URL are required");
            System.exit(2);
        }
        MessageStore store = MessageStores.fromJdbcUrl(env.jdbcUrl());
        RedisBroker broker = RedisBroker.builder(env.redisUrl())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        SseDbPollingHandler sse = SseDbPolling.builder(store).broker(broker)
                .pollInterval(Duration.ofMillis(200)).sweepInterval(SWEEP).build();
        WebSocketsRedisHandler ws = WebSocketsRedis.builder(store).broker(broker).sweepInterval(SWEEP).build();
        List<RealtimeHandler> handlers = List.of(
                Polling.builder(store).broker(broker).build(),
                LongPolling.builder(store).broker(broker).timeout(LONG_POLL).sweepInterval(SWEEP).build(),
                LongPollingBroker.builder(store, broker).timeout(LONG_POLL).sweepInterval(SWEEP).build(),
                sse,
                ws);
        PathHandler root = Handlers.path();
        for (int i = 0; i < PATTERNS.size(); i++) {
            root.addPrefixPath("/" + PATTERNS.get(i), handlers.get(i));
        }
        root.addExactPath("/__node", exchange -> Exchanges.sendJson(exchange, 200,
                "{\"streams\":" + sse.openStreams() + ",\"sockets\":" + ws.socketCount() + "}"));
        PatternServer server = PatternServer.builder(root).host(env.host()).port(env.port()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            handlers.forEach(RealtimeHandler::close);
            broker.close();
            store.close();
            stopped.countDown();
        }, "all-patterns-shutdown"));
        System.out.println("all-patterns ready at " + server.uri() + "/ (pid " + ProcessHandle.current().pid() + ")");
        System.out.flush();
        stopped.await();
    }
}
