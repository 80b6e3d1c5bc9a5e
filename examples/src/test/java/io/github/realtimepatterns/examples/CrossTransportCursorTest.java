package io.github.realtimepatterns.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingClient;
import io.github.realtimepatterns.longpollingbroker.LongPollingBroker;
import io.github.realtimepatterns.longpollingbroker.LongPollingBrokerClient;
import io.github.realtimepatterns.polling.Polling;
import io.github.realtimepatterns.polling.PollingClient;
import io.github.realtimepatterns.ssedbpolling.SseClient;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisClient;
import io.undertow.Handlers;
import io.undertow.server.handlers.PathHandler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One cursor moved across every transport: the five patterns mounted side by side on one server over one
 * store and one broker (as {@code demo} does), a subscriber that follows a channel on WebSocket, stops, and
 * goes on from its cursor on long-polling, long-polling-broker, SSE and polling, while messages are
 * published throughout through every pattern's endpoint. It gets every message once, in order, with no
 * reset: a cursor means the same thing on every transport.
 */
class CrossTransportCursorTest {

    private static final String CHANNEL = "relay";
    /** Messages each leg must see arrive before the subscriber moves on. */
    private static final int PER_LEG = 25;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        open.add(0, c);
        return c;
    }

    @Test
    void aCursorMovedFromTransportToTransportGetsEveryMessageOnceInOrderWithoutReset() throws Exception {
        MessageStore store = closing(MessageStores.h2InMemory());
        InJvmBroker broker = closing(new InJvmBroker());
        Map<String, RealtimeHandler> handlers = new LinkedHashMap<>();
        handlers.put("websockets-redis", WebSocketsRedis.builder(store).broker(broker).build());
        handlers.put("long-polling", LongPolling.builder(store).broker(broker).timeout(Duration.ofSeconds(5)).build());
        handlers.put("long-polling-broker", LongPollingBroker.builder(store, broker).timeout(Duration.ofSeconds(5))
                .build());
        handlers.put("sse-db-polling", SseDbPolling.builder(store).broker(broker).pollInterval(Duration.ofMillis(50))
                .heartbeat(Duration.ofSeconds(1)).build());
        handlers.put("polling", Polling.builder(store).broker(broker).build());
        PathHandler root = Handlers.path();
        handlers.forEach((name, handler) -> root.addPrefixPath("/" + name, closing(handler)));
        PatternServer server = closing(PatternServer.builder(root).port(0).start());

        Map<String, RealtimeClient> clients = new LinkedHashMap<>();
        clients.put("websockets-redis", new WebSocketsRedisClient(base(server, "websockets-redis")));
        clients.put("long-polling", LongPollingClient.builder(base(server, "long-polling"))
                .wait(Duration.ofSeconds(5)).build());
        clients.put("long-polling-broker", LongPollingBrokerClient.builder(List.of(base(server, "long-polling-broker")))
                .wait(Duration.ofSeconds(5)).build());
        clients.put("sse-db-polling", SseClient.create(base(server, "sse-db-polling")));
        clients.put("polling", PollingClient.builder(base(server, "polling")).interval(Duration.ofMillis(50)).build());
        clients.values().forEach(this::closing);

        Publisher publisher = new Publisher(List.copyOf(clients.entrySet()));
        Thread publishing = new Thread(publisher, "cross-transport-publisher");
        publishing.start();
        RecordingListener got = new RecordingListener();
        Map<String, Integer> perLeg = new LinkedHashMap<>();
        Cursor cursor = Cursor.after(0);
        try {
            for (Map.Entry<String, RealtimeClient> leg : clients.entrySet()) {
                int before = got.ids().size();
                ClientSubscription subscription = leg.getValue().subscribe(CHANNEL, cursor, got);
                got.awaitCount(before + PER_LEG);
                subscription.close();
                cursor = subscription.position();
                List<Long> ids = got.ids();
                assertThat(cursor.after()).as("cursor after the %s leg", leg.getKey()).isEqualTo(ids.get(ids.size() - 1));
                assertThat(cursor.epoch()).as("epoch after the %s leg", leg.getKey()).isNotNull();
                perLeg.put(leg.getKey(), ids.size() - before);
            }
        } finally {
            publisher.stop();
            publishing.join(Duration.ofSeconds(20).toMillis());
        }
        assertThat(publisher.failure.get()).as("publishing failed").isNull();

        // The last leg (polling) goes on from its cursor until it has caught up with the last publish.
        long last = publisher.lastId();
        ClientSubscription tail = clients.get("polling").subscribe(CHANNEL, cursor, got);
        Eventually.await(() -> !got.ids().isEmpty() && got.ids().get(got.ids().size() - 1) == last,
                "the subscriber reached the last published id " + last);
        tail.close();

        assertThat(got.ids()).as("every message once, in order").isEqualTo(RecordingListener.range(1, last));
        assertThat(got.resets()).as("no reset or truncation on any transport").isEmpty();
        for (Message m : got.messages()) {
            assertThat(m.data()).as("message %d", m.id()).isEqualTo(publisher.published.get(m.id()));
            assertThat(m.channel()).isEqualTo(CHANNEL);
        }
        assertThat(perLeg).as("messages each transport delivered").hasSize(5)
                .allSatisfy((name, count) -> assertThat(count).as(name).isGreaterThanOrEqualTo(PER_LEG));
        for (String name : clients.keySet()) {
            assertThat(publisher.published.values()).as("published through the %s endpoint", name)
                    .anyMatch(data -> data.contains("\"via\":\"" + name + "\""));
        }
    }

    private static URI base(PatternServer server, String prefix) {
        return server.uri().resolve("/" + prefix + "/");
    }

    /** Publishes to the channel through each pattern's endpoint in turn until stopped; records what was stored. */
    private static final class Publisher implements Runnable {
        final Map<Long, String> published = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Map.Entry<String, RealtimeClient>> via;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile long lastId;

        Publisher(List<Map.Entry<String, RealtimeClient>> via) {
            this.via = via;
        }

        @Override
        public void run() {
            try {
                for (int n = 0; running.get() && n < 5000; n++) {
                    Map.Entry<String, RealtimeClient> through = via.get(n % via.size());
                    Message m = through.getValue().publish(CHANNEL, "{\"n\":" + n + ",\"via\":\"" + through.getKey() + "\"}");
                    published.put(m.id(), m.data());
                    lastId = m.id();
                    Thread.sleep(5); // a steady trickle, so that every leg starts and stops mid-stream
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | AssertionError e) {
                failure.set(e);
            }
        }

        void stop() {
            running.set(false);
        }

        long lastId() {
            return lastId;
        }
    }
}
