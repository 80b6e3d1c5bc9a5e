package io.github.realtimepatterns.longpollingbroker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RedisServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared database goes away (the H2 server stops) and comes back on the same port, over the same files. */
class DatabaseOutageIT {

    private static final HttpClient HTTP = HttpPublisher.newHttpClient();
    private RedisServer redis;
    private H2Tcp h2;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        redis = RedisServer.start();
        h2 = H2Tcp.start();
        String url = h2.newDatabaseUrl();
        for (int i = 0; i < 2; i++) {
            nodes.add(new Node(url, redis.uri()));
        }
    }

    @AfterEach
    void stopCluster() {
        nodes.forEach(Node::close);
        h2.close();
        redis.close();
    }

    @Test
    void publishAnswers503StoringNothingParkedPollsEndAndTheClusterRecovers() throws Exception {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        for (int i = 1; i <= 3; i++) {
            a.publisher.publish("audit", "{\"n\":" + i + "}");
        }
        List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            parked.add(HTTP.sendAsync(poll(b, 3, 3), HttpResponse.BodyHandlers.ofString()));
        }
        Eventually.await(Duration.ofSeconds(10), () -> b.handler.parkedCount() == 4, "polls to park");
        // A poll counts as parked before its join (a read, or the hub's recent messages) has answered;
        // stop the database only once all four are waiting, or a join still reading would get a 503.
        Eventually.await(Duration.ofSeconds(10), () -> b.metric("waiting") == 4, "the joins");

        h2.stop();
        HttpResponse<String> refused = HTTP.send(publish(a, "{\"n\":4}"), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(WireJson.tree(refused.body()).path("detail").asText()).contains("store");
        for (CompletableFuture<HttpResponse<String>> p : parked) {
            // Answered at their hold (3 s), empty at their cursor: not hung, not failed.
            HttpResponse<String> answer = p.get(15, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(WireJson.parseReadResult(answer.body()).cursor()).isEqualTo(3);
        }
        HttpResponse<String> newPoll = HTTP.send(poll(b, 3, 3), HttpResponse.BodyHandlers.ofString());
        assertThat(newPoll.statusCode()).as("a poll that needs the store while it is down").isEqualTo(503);
        assertThat(b.handler.parkedCount()).isZero();

        h2.restart();
        Eventually.await(Duration.ofSeconds(20), () -> {
            HttpResponse<String> r = send(publish(a, "{\"n\":4}"));
            return r != null && r.statusCode() == 201;
        }, "publishing to succeed once the database is back");
        HttpResponse<String> caughtUp = HTTP.send(poll(b, 3, 3), HttpResponse.BodyHandlers.ofString());
        assertThat(WireJson.parseReadResult(caughtUp.body()).messages()).extracting(Message::id)
                .as("ids stay gap-free: the refused publish stored nothing").containsExactly(4L);
        var parkedAgain = HTTP.sendAsync(poll(b, 4, 10), HttpResponse.BodyHandlers.ofString());
        Eventually.await(Duration.ofSeconds(10), () -> b.handler.parkedCount() == 1, "a poll to park");
        Message fifth = a.publisher.publish("audit", "{\"n\":5}");
        assertThat(WireJson.parseReadResult(parkedAgain.get(10, TimeUnit.SECONDS).body()).messages())
                .extracting(Message::id).containsExactly(fifth.id());
        assertThat(a.store.read("audit", Cursor.after(0), 100).messages()).extracting(Message::id)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    private static HttpRequest poll(Node node, long after, int waitSeconds) {
        return HttpRequest.newBuilder(node.uri().resolve("/channels/audit/messages?after=" + after + "&wait=" + waitSeconds))
                .GET().build();
    }

    private static HttpRequest publish(Node node, String body) {
        return HttpRequest.newBuilder(node.uri().resolve("/channels/audit/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }
}
