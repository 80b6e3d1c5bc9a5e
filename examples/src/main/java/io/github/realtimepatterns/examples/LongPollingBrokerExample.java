package io.github.realtimepatterns.examples;

// snippet: example
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpollingbroker.LongPollingBroker;
import io.github.realtimepatterns.longpollingbroker.LongPollingBrokerClient;
import io.github.realtimepatterns.longpollingbroker.LongPollingBrokerHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two long-polling nodes run alone over one store and one Redis: a poll parked on node A is woken by a
 * message published on node B. {@code REDIS_URL} (unset: an in-JVM broker, one process only); {@code PORT}
 * of node A (8080 when unset, 0 for any).
 */
public final class LongPollingBrokerExample {

    /** Publishes on node B, prints what the client polling node A receives, and stops. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String redisUrl = System.getenv("REDIS_URL");                   // like redis://localhost:6379
        if (redisUrl == null) {
            System.out.println("REDIS_URL is not set: the two nodes share an in-JVM broker instead");
        }
        try (MessageStore store = MessageStores.h2InMemory();   // many processes: MessageStores.jdbc(url)
             Broker brokerA = redisUrl == null ? new InJvmBroker() : RedisBroker.builder(redisUrl).build();
             Broker brokerB = redisUrl == null ? brokerA : RedisBroker.builder(redisUrl).build();
             LongPollingBrokerHandler nodeA = LongPollingBroker.builder(store, brokerA)
                     .timeout(Duration.ofSeconds(25))                  // hold when a poll names no wait
                     .build();
             LongPollingBrokerHandler nodeB = LongPollingBroker.builder(store, brokerB).build();
             PatternServer serverA = PatternServer.start(nodeA, port);
             PatternServer serverB = PatternServer.start(nodeB, 0);   // 0: any free port
             LongPollingBrokerClient client = LongPollingBrokerClient.create(List.of(serverA.uri()))) {
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
