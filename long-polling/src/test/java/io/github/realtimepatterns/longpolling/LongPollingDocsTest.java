package io.github.realtimepatterns.longpolling;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.http.Authorizer;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.DocSnippets;
import io.github.realtimepatterns.core.testing.RecordingListener;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The java blocks of docs/long-polling.md, compiled and run: each {@code // snippet:} region is one block. */
class LongPollingDocsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeEverything() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        open.push(closeable);
        return closeable;
    }

    @Test
    void theDocsPageShowsThisCode() {
        DocSnippets.assertDocMatches(Path.of("../docs/long-polling.md"),
                Path.of("src/test/java/io/github/realtimepatterns/longpolling/LongPollingDocsTest.java"));
    }

    @Test
    void runsAloneAndDeliversToTheLongPollingClient() {
        // snippet: handler
        MessageStore store = MessageStores.h2InMemory();
        Broker broker = new InJvmBroker();               // a RedisBroker when there are many nodes
        LongPollingHandler handler = LongPolling.builder(store)
                .broker(broker)                          // default: an in-JVM broker of its own
                .timeout(Duration.ofSeconds(25))         // hold when a poll names no wait
                .maxTimeout(Duration.ofSeconds(60))      // longer waits are capped
                .build();
        // end snippet: handler
        closeLater(store);
        closeLater(broker);
        closeLater(handler);

        // snippet: run
        PatternServer server = PatternServer.start(handler, 0);     // 0: any free port
        LongPollingClient client = LongPollingClient.builder(server.uri())
                .wait(Duration.ofSeconds(25))
                .build();
        client.subscribe("chat", Cursor.after(0), listener);
        client.publish("chat", "{\"text\":\"hi\"}");
        // end snippet: run
        closeLater(server);
        closeLater(client);

        listener.awaitCount(1);
        assertThat(listener.messages()).extracting(Message::data).containsExactly("{\"text\":\"hi\"}");
    }

    @Test
    void mountsUnderAPrefixOfYourOwnUndertow() {
        MessageStore store = closeLater(MessageStores.inMemory());
        LongPollingHandler handler = closeLater(LongPolling.builder(store).build());
        int port = 0;
        String host = "127.0.0.1";

        // snippet: mount
        Undertow undertow = Undertow.builder()
                .addHttpListener(port, host)
                .setHandler(Handlers.path().addPrefixPath("/realtime", handler))
                .build();
        undertow.start();
        // end snippet: mount
        closeLater(undertow::stop);

        int bound = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        LongPollingClient client = closeLater(
                LongPollingClient.create(URI.create("http://" + host + ":" + bound + "/realtime/")));
        client.subscribe("chat", Cursor.after(0), listener);
        client.publish("chat", "{\"text\":\"hi\"}");
        listener.awaitCount(1);
        assertThat(listener.messages()).extracting(Message::channel).containsExactly("chat");
    }

    @Test
    void userChannelsAreReadOnlyByTheirUser() throws IOException, InterruptedException {
        MessageStore store = closeLater(MessageStores.inMemory());

        // snippet: authorizer
        Authorizer userChannels = (channel, action, exchange) -> action == Authorizer.Action.PUBLISH
                || !channel.startsWith("user.")
                || channel.equals("user." + exchange.getRequestHeaders().getFirst("X-User"));
        LongPollingHandler handler = LongPolling.builder(store)
                .settings(HttpSettings.builder().authorizer(userChannels).build())
                .build();
        // end snippet: authorizer
        closeLater(handler);
        PatternServer server = closeLater(PatternServer.start(handler, 0));
        handler.service().publish("user.alice", "{\"text\":\"for alice\"}");

        assertThat(read(server, "user.alice", "alice").body()).contains("for alice");
        assertThat(read(server, "user.alice", "bob").statusCode()).isEqualTo(403);
    }

    private static HttpResponse<String> read(PatternServer server, String channel, String user)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + "/channels/" + channel + "/messages?after=0"))
                .header("X-User", user)
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
