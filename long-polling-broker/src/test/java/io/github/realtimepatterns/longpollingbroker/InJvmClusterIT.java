package io.github.realtimepatterns.longpollingbroker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;

/** Three nodes in this JVM on separate ports, sharing one real Redis and one H2 server. */
class InJvmClusterIT {

    private RedisServer redis;
    private H2Tcp h2;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        redis = RedisServer.start();
        h2 = H2Tcp.start();
        String url = h2.newDatabaseUrl();
        for (int i = 0; i < 3; i++) {
            nodes.add(new Node(url, redis.uri()));
        }
    }

    @AfterEach
    void stopCluster() {
        nodes.forEach(Node::close);
        h2.close();
        redis.close();
    }

    private List<URI> uris() {
        return nodes.stream().map(Node::uri).toList();
    }

    private long sum(String metric) {
        return nodes.stream().mapToLong(n -> n.metric(metric)).sum();
    }

    @Test
    void everySubscriberGetsEveryMessageOnceInOrderWhilePublishersUseEveryNode() throws Exception {
        int perNode = 60;
        try (Subscribers subscribers = new Subscribers(uris(), "chat", 9)) {
            Eventually.await(Duration.ofSeconds(20), () -> nodes.stream().allMatch(n -> n.handler.parkedCount() > 0),
                    "polls parked on every node");
            List<CompletableFuture<Void>> publishers = new ArrayList<>();
            for (Node node : nodes) {
                publishers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perNode; i++) {
                        node.publisher.publish("chat", "{\"i\":" + i + "}");
                    }
                }));
            }
            CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            subscribers.awaitExactly(3 * perNode, Duration.ofSeconds(30));
        }
        assertThat(sum("brokerPublished")).as("one Redis PUBLISH per message, whatever the nodes and clients")
                .isEqualTo(3 * perNode);
        assertThat(sum("failedNotifications")).isZero();
        try (Jedis jedis = new Jedis(redis.uri())) {
            assertThat(jedis.clientList(ClientType.PUBSUB).lines().filter(l -> !l.isBlank()).count())
                    .as("one Redis subscription connection per node, however many clients").isEqualTo(3);
        }
    }

    @Test
    void aWakeUpCarriesTheMessageWhileARedisReconnectMakesTheNodeReadTheStore() throws Exception {
        Node parkedOn = nodes.get(0);
        Node publishedOn = nodes.get(1);
        long head = publishedOn.publisher.publish("news", "{\"first\":true}").id();
        long joinsAtStart = parkedOn.metric("hubStoreReads") + parkedOn.metric("joinsFromMemory");
        List<CompletableFuture<HttpResponse<String>>> polls = parkPolls(parkedOn, "news", head, 5);
        // Each poll's join (a read, or the hub's recent messages), then the read after Redis confirms the
        // new channel's SUBSCRIBE.
        Eventually.await(Duration.ofSeconds(10),
                () -> parkedOn.metric("hubStoreReads") + parkedOn.metric("joinsFromMemory") >= joinsAtStart + 6,
                "the joins and the read after SUBSCRIBE");
        long readsBefore = parkedOn.metric("hubStoreReads");
        long received = parkedOn.metric("brokerReceived");
        Message sent = publishedOn.publisher.publish("news", "{\"second\":true}");
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
            assertThat(WireJson.parseReadResult(answer.body()).messages()).extracting(Message::id).containsExactly(sent.id());
        }
        assertThat(parkedOn.metric("brokerReceived")).isEqualTo(received + 1);
        assertThat(parkedOn.metric("hubStoreReads")).as("the notification carried the message: no store read")
                .isEqualTo(readsBefore);

        polls = parkPolls(parkedOn, "news", sent.id(), 5);
        long reconnects = parkedOn.metric("brokerReconnects");
        long readsBeforeRestart = parkedOn.metric("hubStoreReads");
        redis.restart();
        Eventually.await(Duration.ofSeconds(10), () -> parkedOn.metric("brokerReconnects") > reconnects, "a reconnect");
        Eventually.await(Duration.ofSeconds(10), () -> parkedOn.metric("hubStoreReads") > readsBeforeRestart,
                "the node to re-read the store after resubscribing");
        Message third = publishedOn.publisher.publish("news", "{\"third\":true}");
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            assertThat(WireJson.parseReadResult(poll.get(10, TimeUnit.SECONDS).body()).messages())
                    .extracting(Message::id).containsExactly(third.id());
        }
    }

    @Test
    void redisKilledAndRestartedTwiceMidStreamLosesAndRepeatsNothing() throws Exception {
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger published = new AtomicInteger();
        AtomicLong lastId = new AtomicLong();
        try (Subscribers subscribers = new Subscribers(uris(), "ticks", 6)) {
            Eventually.await(Duration.ofSeconds(20), () -> nodes.stream().allMatch(n -> n.handler.parkedCount() > 0),
                    "polls parked on every node");
            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                int i = 0;
                while (publishing.get()) {
                    Node node = nodes.get(i++ % nodes.size());
                    lastId.set(node.publisher.publish("ticks", "{\"i\":" + i + "}").id());
                    published.incrementAndGet();
                    sleep(20);
                }
            });
            for (int round = 0; round < 2; round++) {
                Eventually.await(Duration.ofSeconds(10), () -> subscribers.allHave(lastId.get()), "delivery before the outage");
                redis.stop();
                long before = published.get();
                Eventually.await(Duration.ofSeconds(10), () -> published.get() > before + 20,
                        "publishes to go on (stored) while Redis is down");
                long storedWhileDown = lastId.get();
                redis.restart();
                long restartedAt = System.nanoTime();
                // Reconnect backoff is at most 500 ms here, the hub's sweep 3 s: well within 5 s.
                Eventually.await(Duration.ofSeconds(5), () -> subscribers.allHave(storedWhileDown),
                        "messages stored while Redis was down to arrive after it returns");
                long afterRestart = lastId.get() + 1;
                Eventually.await(Duration.ofSeconds(5), () -> lastId.get() >= afterRestart && subscribers.allHave(afterRestart),
                        "live delivery to resume after Redis returns");
                System.out.printf("round %d: delivery resumed %d ms after the restart%n", round + 1,
                        (System.nanoTime() - restartedAt) / 1_000_000);
                // The next outage must find every node connected again, or one reconnect covers two outages.
                int outages = round + 1;
                Eventually.await(Duration.ofSeconds(10), () -> nodes.stream().allMatch(
                        n -> n.metric("brokerReconnects") >= outages && n.metric("brokerHealthy") == 1),
                        "every node reconnected to Redis");
            }
            publishing.set(false);
            publisher.get(30, TimeUnit.SECONDS);
            subscribers.awaitExactly(published.get(), Duration.ofSeconds(30));
        }
        assertThat(sum("brokerReconnects")).isGreaterThanOrEqualTo(6);
        assertThat(sum("failedNotifications")).as("publishes while Redis was down were stored, not refused").isPositive();
    }

    private static List<CompletableFuture<HttpResponse<String>>> parkPolls(Node node, String channel, long after, int n) {
        long parked = node.handler.parkedCount();
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        var http = HttpPublisher.newHttpClient();
        for (int i = 0; i < n; i++) {
            polls.add(http.sendAsync(HttpRequest.newBuilder(node.uri().resolve("/channels/" + channel
                    + "/messages?after=" + after + "&wait=30")).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        Eventually.await(Duration.ofSeconds(10), () -> node.handler.parkedCount() >= parked + n, "polls to park");
        return polls;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
