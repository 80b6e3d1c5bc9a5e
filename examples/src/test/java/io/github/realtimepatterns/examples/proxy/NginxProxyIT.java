package io.github.realtimepatterns.examples.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.MainProcess;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.github.realtimepatterns.core.testing.RedisServer;
import io.github.realtimepatterns.examples.docs.DocsPages;
import io.github.realtimepatterns.longpolling.LongPollingClient;
import io.github.realtimepatterns.longpollingbroker.LongPollingBrokerClient;
import io.github.realtimepatterns.polling.PollingClient;
import io.github.realtimepatterns.ssedbpolling.SseClient;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The nginx configuration of {@code docs/operations.md}, exactly as printed there (only its marked node and
 * listen lines replaced), in front of three nodes that each mount all five patterns over one Redis and one
 * H2 server: subscribers of every transport and publishers all go through nginx, Redis is killed and
 * restarted, then a node is killed with SIGKILL, and every subscriber still gets every stored message
 * once, in id order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("behind nginx, configured as docs/operations.md says")
class NginxProxyIT {

    private static final String CHANNEL = "proxy-it";
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    private static final Pattern COUNT = Pattern.compile("\"(streams|sockets)\":(\\d+)");

    private RedisServer redis;
    private Server h2;
    private String jdbcUrl;
    private final List<MainProcess> nodes = new ArrayList<>();
    private final List<URI> nodeUris = new ArrayList<>();
    private Nginx nginx;
    private final HttpClient http = HttpPublisher.newHttpClient();
    private final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();

    @BeforeAll
    void startClusterBehindNginx() throws SQLException {
        String docsConfig = DocsPages.markedBlock(DocsPages.DOCS.resolve("operations.md"), "nginx-config").text();
        redis = RedisServer.start();
        int h2Port = Nginx.freePort();
        h2 = Server.createTcpServer("-tcpPort", String.valueOf(h2Port), "-tcpAllowOthers", "-ifNotExists").start();
        jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + h2Port + "/mem:proxy-it;DB_CLOSE_DELAY=-1";
        for (int i = 0; i < 3; i++) {
            // One at a time: the first node creates the schema that the others then find.
            MainProcess node = MainProcess.start(AllPatternsNode.class, Map.of("JDBC_URL", jdbcUrl,
                    "REDIS_URL", redis.uri().toString(), "PORT", "0", "HOST", "127.0.0.1"));
            nodes.add(node);
            nodeUris.add(node.awaitReady(Duration.ofSeconds(60)));
        }
        // A node's first publish and read load classes, open its pools and compile hot paths: seconds on a
        // busy machine. Pay that here, so the run below measures the proxy, not the warm-up.
        for (URI node : nodeUris) {
            new HttpPublisher(http, node.resolve("/polling/"), Duration.ofSeconds(60)).publish("proxy-it-warm-up", "{}");
        }
        int port = Nginx.freePort();
        nginx = Nginx.start(Nginx.forNodes(docsConfig, nodeUris, port), port);
    }

    @AfterAll
    void stopEverything() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(nginx);
        all.addAll(nodes);
        all.add(redis);
        all.add(h2 == null ? null : h2::stop);
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("stopping " + c + " failed: " + e);
                }
            }
        }
        Eventually.await(Duration.ofSeconds(20), () -> nodes.stream()
                .noneMatch(n -> ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false)),
                "every node process exited");
    }

    private URI through(String pattern) {
        return nginx.uri().resolve(pattern + "/");
    }

    /** One subscription of one transport and what it received. */
    private record Subscriber(String transport, RecordingListener listener, ClientSubscription subscription) {
        @Override
        public String toString() {
            return transport + " " + listener.ids().size() + " messages";
        }
    }

    @Test
    void everySubscriberOfEveryTransportGetsEveryMessageOnceInOrderAcrossARedisRestartAndAKilledNode()
            throws Exception {
        Map<String, Function<URI, RealtimeClient>> transports = Map.of(
                "polling", base -> PollingClient.builder(base).httpClient(http).interval(Duration.ofMillis(250))
                        .backoff(MIN_BACKOFF, MAX_BACKOFF).build(),
                "long-polling", base -> LongPollingClient.builder(base).httpClient(http)
                        .wait(AllPatternsNode.LONG_POLL).backoff(MIN_BACKOFF, MAX_BACKOFF).build(),
                "long-polling-broker", base -> LongPollingBrokerClient.builder(List.of(base)).httpClient(http)
                        .wait(AllPatternsNode.LONG_POLL).backoff(MIN_BACKOFF, MAX_BACKOFF).build(),
                "sse-db-polling", base -> SseClient.builder(base).httpClient(HttpPublisher.newHttpClient())
                        .backoff(MIN_BACKOFF, MAX_BACKOFF).build(),
                "websockets-redis", base -> new WebSocketsRedisClient(base, HttpPublisher.newHttpClient(),
                        MIN_BACKOFF, MAX_BACKOFF));
        Map<String, Integer> perTransport = Map.of("polling", 2, "long-polling", 2, "long-polling-broker", 2,
                "sse-db-polling", 3, "websockets-redis", 3);
        List<RealtimeClient> clients = new ArrayList<>();
        List<Subscriber> subscribers = new ArrayList<>();
        ExecutorService publishers = Executors.newFixedThreadPool(3);
        try {
            for (String transport : AllPatternsNode.PATTERNS) {
                RealtimeClient client = transports.get(transport).apply(through(transport));
                clients.add(client);
                for (int i = 0; i < perTransport.get(transport); i++) {
                    RecordingListener listener = new RecordingListener();
                    subscribers.add(new Subscriber(transport, listener, client.subscribe(CHANNEL, Cursor.after(0), listener)));
                }
            }
            Eventually.await(Duration.ofSeconds(20), () -> total(n -> n.get("streams")) == 3
                            && total(n -> n.get("sockets")) == 3,
                    () -> "every SSE stream and WebSocket is open on some node: " + counts());

            // Three publishers through nginx, on three different mounts, each retrying a failed publish
            // until it is stored.
            ConcurrentLinkedQueue<Message> acked = new ConcurrentLinkedQueue<>();
            List<String> sent = new ArrayList<>();
            AtomicInteger failures = new AtomicInteger();
            int perPublisher = 60;
            List<Future<?>> running = new ArrayList<>();
            List<String> mounts = List.of("polling", "sse-db-polling", "websockets-redis");
            for (int p = 0; p < mounts.size(); p++) {
                for (int n = 1; n <= perPublisher; n++) {
                    sent.add("{\"publisher\":" + p + ",\"n\":" + n + "}");
                }
            }
            for (int p = 0; p < mounts.size(); p++) {
                HttpPublisher publisher = new HttpPublisher(http, through(mounts.get(p)), Duration.ofSeconds(15));
                List<String> payloads = List.copyOf(sent.subList(p * perPublisher, (p + 1) * perPublisher));
                running.add(publishers.submit(() -> {
                    publish(publisher, payloads, acked, failures);
                    return null;
                }));
            }

            awaitAcked(acked, 30, running);
            redis.stop();
            int atStop = acked.size();
            awaitAcked(acked, atStop + 15, running);   // publishes are still stored while Redis is down
            redis.restart();
            int atRestart = acked.size();
            awaitAcked(acked, atRestart + 15, running);

            Map<Integer, Map<String, Integer>> before = countsByNode();
            int victim = before.entrySet().stream()
                    .max(Comparator.comparingInt(e -> e.getValue().get("streams") + e.getValue().get("sockets")))
                    .orElseThrow().getKey();
            assertThat(before.get(victim).get("streams") + before.get(victim).get("sockets"))
                    .as("the node to kill holds streams or sockets: %s", before).isPositive();
            nodes.get(victim).kill();   // SIGKILL: no goodbye to its clients, its Redis subscription, nginx
            int atKill = acked.size();
            awaitAcked(acked, atKill + 15, running);

            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<Message> truth = storedMessages();
            assertThat(truth).extracting(Message::id).isEqualTo(RecordingListener.range(1, truth.size()));
            Eventually.await(Duration.ofSeconds(40), () -> subscribers.stream()
                            .allMatch(s -> s.listener().ids().size() >= truth.size()),
                    () -> "every subscriber reaches " + truth.size() + " messages: " + subscribers);
            for (Subscriber s : subscribers) {
                assertThat(s.listener().messages()).as(s.transport() + " subscriber")
                        .extracting(Message::id, Message::data)
                        .containsExactlyElementsOf(truth.stream()
                                .map(m -> tuple(m.id(), m.data())).toList());
                assertThat(s.listener().resets()).as(s.transport() + " resets").isEmpty();
            }
            // What the publishers were told matches the store, and every message sent was stored; a
            // publish cut off by the killed node may have been stored before its retry: a duplicate of the
            // data under a new id, never a lost one.
            Map<Long, String> byId = new HashMap<>();
            truth.forEach(m -> byId.put(m.id(), m.data()));
            assertThat(acked).allSatisfy(m -> assertThat(byId.get(m.id())).isEqualTo(m.data()));
            assertThat(truth).extracting(Message::data).containsAll(sent);
            assertThat(truth.size() - sent.size()).as("duplicates from ambiguous publishes")
                    .isBetween(0, failures.get());
            Eventually.await(Duration.ofSeconds(20), () -> total(n -> n.get("streams")) == 3
                            && total(n -> n.get("sockets")) == 3,
                    () -> "the killed node's streams and sockets reconnected through nginx: " + counts());
        } finally {
            publishers.shutdownNow();
            subscribers.forEach(s -> s.subscription().close());
            clients.forEach(RealtimeClient::close);
        }
    }

    @Test
    void aBodyOf64KiBIsPublishedAndALargerOneIsRefusedByNginxWithA413Problem() throws Exception {
        String fits = "\"" + "x".repeat(64 * 1024 - 2) + "\"";
        String tooLarge = "\"" + "x".repeat(64 * 1024 - 1) + "\"";
        HttpResponse<String> stored = post(fits);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        HttpResponse<String> refused = post(tooLarge);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"status\":413", "\"field\":\"body\"");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(through("polling").resolve("channels/proxy-size/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Publishes {@code payloads} one after the other (the next once the previous is answered, then a short
     * pause), retrying a failed one until it is stored.
     */
    private void publish(HttpPublisher publisher, List<String> payloads, Collection<Message> acked,
                         AtomicInteger failures) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String payload : payloads) {
            while (true) {
                try {
                    acked.add(publisher.publish(CHANNEL, payload));
                    break;
                } catch (ProtocolException e) {
                    throw e;   // 4xx: a bug, not an outage
                } catch (RealtimeException e) {
                    failures.incrementAndGet();
                    failed.add(e.toString());
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("publishing " + payload + " kept failing: " + failed, e);
                    }
                    Thread.sleep(100);
                }
            }
            Thread.sleep(20);
        }
    }

    private void awaitAcked(Collection<Message> acked, int count, List<Future<?>> publishers) {
        Eventually.await(Duration.ofSeconds(30), () -> acked.size() >= count
                        || publishers.stream().allMatch(Future::isDone),
                () -> count + " publishes answered; got " + acked.size() + "; failures: " + failed);
        for (Future<?> f : publishers) {
            if (f.isDone()) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new AssertionError("a publisher failed", e);
                }
            }
        }
        assertThat(acked.size()).as("publishes answered").isGreaterThanOrEqualTo(count);
    }

    private List<Message> storedMessages() {
        try (MessageStore store = MessageStores.fromJdbcUrl(jdbcUrl)) {
            ReadResult all = store.read(CHANNEL, Cursor.after(0), 1000);
            assertThat(all.hasMore()).isFalse();
            return all.messages();
        }
    }

    /** Streams and sockets per live node, by node index. */
    private Map<Integer, Map<String, Integer>> countsByNode() {
        Map<Integer, Map<String, Integer>> counts = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!ProcessHandle.of(nodes.get(i).pid()).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(nodeUris.get(i).resolve("/__node"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                Map<String, Integer> node = new HashMap<>();
                Matcher m = COUNT.matcher(r.body());
                while (m.find()) {
                    node.put(m.group(1), Integer.parseInt(m.group(2)));
                }
                counts.put(i, node);
            } catch (java.io.IOException e) {
                counts.put(i, Map.of("streams", 0, "sockets", 0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return counts;
    }

    private String counts() {
        return countsByNode().toString();
    }

    private int total(Function<Map<String, Integer>, Integer> what) {
        return countsByNode().values().stream().mapToInt(what::apply).sum();
    }
}
