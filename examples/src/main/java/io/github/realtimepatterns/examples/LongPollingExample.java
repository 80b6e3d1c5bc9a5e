package io.github.realtimepatterns.examples;

// snippet: example
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingClient;
import io.github.realtimepatterns.longpolling.LongPollingHandler;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Long-polling in your own Undertow, next to your own route. {@code PORT}: 8080 when unset, 0 for any. */
public final class LongPollingExample {

    /** Publishes two messages, prints them as the long-polling client receives them, and stops. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        try (MessageStore store = MessageStores.h2InMemory();
             Broker broker = new InJvmBroker();                   // wakes parked polls; one node only
             LongPollingHandler handler = LongPolling.builder(store)
                     .broker(broker)                              // default: an in-JVM broker of its own
                     .timeout(Duration.ofSeconds(25))             // hold when a poll names no wait
                     .maxTimeout(Duration.ofSeconds(60))          // longer waits are capped
                     .build()) {
            Undertow server = Undertow.builder()
                    .addHttpListener(port, "127.0.0.1")
                    .setHandler(Handlers.path()
                            .addExactPath("/hello", exchange -> exchange.getResponseSender().send("hello"))
                            .addPrefixPath("/realtime", handler))   // the pattern's routes, under /realtime/
                    .build();
            server.start();
            int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            URI base = URI.create("http://127.0.0.1:" + bound + "/realtime/");

            CountDownLatch received = new CountDownLatch(2);
            try (LongPollingClient client = LongPollingClient.builder(base)
                    .wait(Duration.ofSeconds(25))           // how long the server may hold a poll
                    .build()) {
                client.subscribe("chat", Cursor.after(0), message -> {  // after(0): all kept; head(): new
                    System.out.println("received " + message.id() + " " + message.data());
                    received.countDown();
                });
                handler.service().publish("chat", "{\"text\":\"from the server\"}");
                client.publish("chat", "{\"text\":\"from a client\"}");
                if (!received.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the messages did not arrive within 30 s");
                }
            } finally {
                server.stop();
            }
        }
    }
}
// end snippet: example
