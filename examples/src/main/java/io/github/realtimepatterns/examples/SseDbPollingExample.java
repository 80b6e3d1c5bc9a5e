package io.github.realtimepatterns.examples;

// snippet: example
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.ssedbpolling.SseClient;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.ssedbpolling.SseDbPollingHandler;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Server-Sent Events in your own Undertow, next to your own route. {@code PORT}: 8080 unset, 0 for any. */
public final class SseDbPollingExample {

    /** Publishes two messages, prints them as the SSE client receives them, and stops. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        try (MessageStore store = MessageStores.h2InMemory();       // many nodes: MessageStores.jdbc(url)
             SseDbPollingHandler handler = SseDbPolling.builder(store)
                     .pollInterval(Duration.ofMillis(500))          // how often the node reads the database
                     .heartbeat(Duration.ofSeconds(15))             // comment line on idle streams
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
            try (SseClient client = SseClient.create(base)) {
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
