package io.github.realtimepatterns.websocketsredis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM (three handlers on three servers), each with its own Redis broker on one
 * redis-server, all on one database served by an H2 TCP server (each node with its own store and pool, as
 * three processes would have). Subscribers are spread over the nodes and publishers write to every node,
 * over HTTP and over sockets.
 *
 * <p>The hub's safety sweep is set to a minute, so when Redis is killed mid-stream only the resync after the
 * brokers reconnect (and the gap reads it triggers) can deliver what was published meanwhile.
 */
class WebSocketsRedisClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String CHANNEL = "orders";
    private static final int NODES = 3;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<RedisBroker> brokers = new ArrayList<>();
    private final List<PatternServer> servers = new ArrayList<>();
    private final HttpClient http = HttpPublisher.newHttpClient();
    private RedisServer redis;
    private Server h2;

    @BeforeEach
    void startCluster() throws Exception {
        redis = RedisServer.start();
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        h2 = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:cluster-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1";
        for (int i = 0; i < NODES; i++) {
            MessageStore store = MessageStores.jdbc(url);
            RedisBroker broker = RedisBroker.builder(redis.uri())
                    .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                    .pingInterval(Duration.ofMillis(250))
                    .build();
            WebSocketsRedisHandler handler = WebSocketsRedis.builder(store)
                    .broker(broker)
                    .sweepInterval(Duration.ofMinutes(1))
                    .build();
            PatternServer server = PatternServer.start(handler, 0);
            // Closed in reverse: server (and its handler) first, then the broker, then the store.
            open.add(0, store);
            open.add(0, broker);
            open.add(0, server);
            brokers.add(broker);
            servers.add(server);
        }
    }

    @AfterEach
    void stopCluster() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (h2 != null) {
            h2.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void everySubscriberGetsEveryMessageOnceInOrderAcrossTwoRedisRestarts() throws Exception {
        int perPublisher = 50;
        int publishers = 2 * NODES;
        int total = perPublisher * publishers;

        List<RecordingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 3 * NODES; i++) {
            WebSocketsRedisClient client = new WebSocketsRedisClient(servers.get(i % NODES).uri(), http,
                    Duration.ofMillis(50), Duration.ofSeconds(1));
            open.add(0, client);
            RecordingListener listener = new RecordingListener();
            client.subscribe(CHANNEL, Cursor.after(0), listener);
            listeners.add(listener);
        }
        // One raw socket per node records the frames as they arrive on the wire, before any client de-dup.
        List<WireRecorder> wire = new ArrayList<>();
        for (PatternServer server : servers) {
            WireRecorder w = new WireRecorder(RawWebSocket.open(server.uri(), "/channels/" + CHANNEL + "/ws?after=0",
                    null, 0));
            open.add(0, w);
            wire.add(w);
        }
        Eventually.await(WAIT, () -> brokers.stream().allMatch(b -> b.isHealthy() && b.channelCount() == 1),
                "every broker connected and listening to the channel");

        AtomicInteger published = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int node = 0; node < NODES; node++) {
            PatternServer server = servers.get(node);
            String httpName = "http-" + node;
            WebSocketsRedisClient client = new WebSocketsRedisClient(server.uri(), http,
                    Duration.ofMillis(50), Duration.ofSeconds(1));
            open.add(0, client);
            threads.add(publisher(httpName, failure, () -> {
                for (int n = 1; n <= perPublisher; n++) {
                    client.publish(CHANNEL, payload(httpName, n));
                    published.incrementAndGet();
                    Thread.sleep(15); // pacing only, so the outages land mid-stream
                }
            }));
            String wsName = "ws-" + node;
            RawWebSocket socket = RawWebSocket.open(server.uri(), "/ws", null, 0);
            open.add(0, socket);
            threads.add(publisher(wsName, failure, () -> {
                for (int n = 1; n <= perPublisher; n++) {
                    socket.sendText("{\"type\":\"publish\",\"channel\":\"" + CHANNEL + "\",\"data\":"
                            + payload(wsName, n) + ",\"ref\":\"" + n + "\"}");
                    JsonNode answer = WireJson.tree(socket.next().text());
                    assertThat(answer.path("type").asText()).as("answer %s", answer).isEqualTo("ack");
                    assertThat(answer.path("ref").asText()).isEqualTo(String.valueOf(n));
                    published.incrementAndGet();
                    Thread.sleep(15);
                }
            }));
        }
        threads.forEach(Thread::start);

        for (int outage : new int[] {total / 4, total * 5 / 8}) {
            Eventually.await(WAIT, () -> published.get() >= outage, "publishers reached " + outage);
            redis.stop();
            int downAt = published.get();
            Eventually.await(WAIT, () -> published.get() >= downAt + 30 || published.get() == total,
                    "30 publishes while Redis is down");
            redis.restart();
        }
        for (Thread t : threads) {
            t.join(WAIT.toMillis());
            assertThat(t.isAlive()).as("publisher %s finished", t.getName()).isFalse();
        }
        assertThat(failure.get()).as("publisher failure").isNull();
        assertThat(published.get()).isEqualTo(total);

        List<Long> expected = RecordingListener.range(1, total);
        for (RecordingListener listener : listeners) {
            listener.awaitCount(total, WAIT);
        }
        for (WireRecorder w : wire) {
            Eventually.await(WAIT, () -> w.ids.size() >= total, () -> "raw socket got " + w.ids.size() + " of "
                    + total);
        }
        Eventually.await(WAIT, () -> brokers.stream().allMatch(b -> b.reconnectCount() >= 2),
                "every broker reconnected after both outages");

        List<String> reference = listeners.get(0).messages().stream().map(Message::data).toList();
        assertOneStreamOfEveryPublish(reference, publishers, perPublisher);
        for (RecordingListener listener : listeners) {
            assertThat(listener.ids()).as("ids, once each and in order").isEqualTo(expected);
            assertThat(listener.messages().stream().map(Message::data).toList()).as("same data for every subscriber")
                    .isEqualTo(reference);
            assertThat(listener.resets()).as("resets").isEmpty();
        }
        for (WireRecorder w : wire) {
            assertThat(w.ids).as("message frames on the wire: none repeated, none missing").isEqualTo(expected);
            assertThat(w.others).as("frames other than message/subscribed").isEmpty();
        }
        long failedNotifications = brokers.stream().mapToLong(RedisBroker::failedPublishes).sum();
        assertThat(failedNotifications).as("PUBLISHes lost while Redis was down (the store saved them)").isPositive();
    }

    @Test
    void onePublishCostsOneRedisPublishHoweverManySockets() throws Exception {
        int socketsPerNode = 20;
        List<WireRecorder> sockets = new ArrayList<>();
        for (PatternServer server : servers) {
            for (int i = 0; i < socketsPerNode; i++) {
                WireRecorder w = new WireRecorder(RawWebSocket.open(server.uri(), "/channels/" + CHANNEL + "/ws",
                        null, 0));
                open.add(0, w);
                sockets.add(w);
            }
        }
        Eventually.await(WAIT, () -> sockets.stream().allMatch(w -> w.subscribed), "every socket subscribed");
        Eventually.await(WAIT, () -> brokers.stream().allMatch(b -> b.isHealthy() && b.channelCount() == 1),
                "every broker listening");
        // A first message shows each node hears the channel through Redis before counting starts.
        WebSocketsRedisClient client = new WebSocketsRedisClient(servers.get(0).uri(), http,
                Duration.ofMillis(50), Duration.ofSeconds(1));
        open.add(0, client);
        client.publish(CHANNEL, "{\"warm\":true}");
        Eventually.await(WAIT, () -> brokers.stream().allMatch(b -> b.receivedCount() == 1),
                "every node received the first notification");
        Eventually.await(WAIT, () -> sockets.stream().allMatch(w -> w.ids.size() == 1), "first message everywhere");

        long publishes = totalPublishes();
        client.publish(CHANNEL, "{\"over\":\"http\"}");
        Eventually.await(WAIT, () -> sockets.stream().allMatch(w -> w.ids.size() == 2), "HTTP publish everywhere");
        assertThat(totalPublishes() - publishes).as("PUBLISH commands for one HTTP publish to %d sockets",
                sockets.size()).isEqualTo(1);

        try (RawWebSocket publisher = RawWebSocket.open(servers.get(2).uri(), "/ws", null, 0)) {
            publisher.sendText("{\"type\":\"publish\",\"channel\":\"" + CHANNEL
                    + "\",\"data\":{\"over\":\"socket\"},\"ref\":\"r\"}");
            assertThat(WireJson.tree(publisher.next().text()).path("type").asText()).isEqualTo("ack");
        }
        Eventually.await(WAIT, () -> sockets.stream().allMatch(w -> w.ids.size() == 3), "socket publish everywhere");
        assertThat(totalPublishes() - publishes).as("PUBLISH commands for two publishes").isEqualTo(2);
        for (RedisBroker broker : brokers) {
            assertThat(broker.receivedCount()).as("notifications each node received: one per message, not per socket")
                    .isEqualTo(3);
        }
        for (WireRecorder w : sockets) {
            assertThat(w.ids).containsExactly(1L, 2L, 3L);
        }
    }

    private long totalPublishes() {
        return brokers.stream().mapToLong(RedisBroker::publishCount).sum();
    }

    private static String payload(String publisher, int n) {
        return "{\"p\":\"" + publisher + "\",\"n\":" + n + "}";
    }

    /** Every publish appears once, and each publisher's messages keep the order they were sent in. */
    private static void assertOneStreamOfEveryPublish(List<String> data, int publishers, int perPublisher) {
        Map<String, Integer> lastSeen = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (String json : data) {
            JsonNode node = WireJson.tree(json);
            String publisher = node.get("p").asText();
            int n = node.get("n").asInt();
            assertThat(seen.add(json)).as("%s stored once", json).isTrue();
            assertThat(n).as("%s follows %s's previous message", json, publisher)
                    .isEqualTo(lastSeen.getOrDefault(publisher, 0) + 1);
            lastSeen.put(publisher, n);
        }
        assertThat(lastSeen).hasSize(publishers).allSatisfy((p, last) -> assertThat(last).isEqualTo(perPublisher));
    }

    private static Thread publisher(String name, AtomicReference<Throwable> failure, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, new AssertionError("publisher " + name + " failed", t));
            }
        }, name);
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    /** Reads one raw socket on its own thread and records the ids of its message frames, as they arrive. */
    private static final class WireRecorder implements AutoCloseable {
        final RawWebSocket socket;
        final List<Long> ids = new CopyOnWriteArrayList<>();
        final List<String> others = new CopyOnWriteArrayList<>();
        volatile boolean subscribed;
        private final Thread reader;

        WireRecorder(RawWebSocket socket) {
            this.socket = socket;
            assertThat(socket.status).as(socket.responseHead).isEqualTo(101);
            this.reader = new Thread(this::read, "wire-recorder");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try {
                while (true) {
                    RawWebSocket.Frame f = socket.next();
                    if (f.opcode() != RawWebSocket.TEXT) {
                        others.add("opcode " + f.opcode());
                        return;
                    }
                    JsonNode node = WireJson.tree(f.text());
                    switch (node.path("type").asText()) {
                        case "message" -> ids.add(node.get("id").asLong());
                        case "subscribed" -> subscribed = true;
                        default -> others.add(f.text());
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
