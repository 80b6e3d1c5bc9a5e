package io.github.realtimepatterns.examples;

// snippet: example
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisClient;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisHandler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two WebSocket nodes run alone over one store and one Redis: a socket on node A gets a message published
 * on node B. {@code REDIS_URL} (unset: an in-JVM broker, one process only); {@code PORT} of node A (8080
 * when unset, 0 for any).
 */
public final class WebSocketsRedisExample {

    /** Publishes on node B, prints what the client's socket on node A receives, and stops. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String redisUrl = System.getenv("REDIS_URL");                   // like redis://localhost:6379
        if (redisUrl == null) {
            System.out.println("REDIS_URL is not set: the two nodes share an in-JVM broker instead");
        }
        try (MessageStore store = MessageStores.h2InMemory();   // many processes: MessageStores.jdbc(url)
             Broker brokerA = redisUrl == null ? new InJvmBroker() : RedisBroker.builder(redisUrl).build();
             Broker brokerB = redisUrl == null ? brokerA : RedisBroker.builder(redisUrl).build();
             WebSocketsRedisHandler nodeA = WebSocketsRedis.builder(store)
                     .broker(brokerA)                                  // in-JVM when not set: one node only
                     .pingInterval(Duration.ofSeconds(25))
                     .build();
             WebSocketsRedisHandler nodeB = WebSocketsRedis.builder(store).broker(brokerB).build();
             PatternServer serverA = PatternServer.start(nodeA, port);
             PatternServer serverB = PatternServer.start(nodeB, 0);   // 0: any free port
             WebSocketsRedisClient client = new WebSocketsRedisClient(serverA.uri())) {
            CountDownLatch received = new CountDownLatch(2);
            client.subscribe("chat", Cursor.after(0), message -> {      // after(0): all kept; head(): new
                System.out.println("received " + message.id() + " " + message.data());
                received.countDown();
            });
            nodeB.service().publish("chat", "{\"text\":\"from node B\"}");
            client.publish("chat", "{\"text\":\"from a client\"}");
            if (!received.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the messages did not arrive within 30 s");
            }
        }
    }
}
// end snippet: example
