package io.github.realtimepatterns.longpolling;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.client.RealtimeClient;
// snippet: authorizer
import io.github.realtimepatterns.core.http.Authorizer;
import io.github.realtimepatterns.core.http.HttpSettings;
// end snippet: authorizer
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.DocsPageContract;
// snippet: authorizer
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingHandler;
// end snippet: authorizer
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * docs/long-polling.md: its java blocks are {@code LongPollingExample}'s and this class's (the authorizer,
 * whose refusal only a test shows), and its handler mounts under a prefix. The imports of this module's own
 * types are written out because the page shows them with the snippet.
 */
class LongPollingDocsTest extends DocsPageContract {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    LongPollingDocsTest() {
        super("long-polling", "LongPollingExample");
    }

    @Override
    protected RealtimeHandler newHandler(MessageStore store) {
        return LongPolling.builder(store).build();
    }

    @Override
    protected RealtimeClient newClient(URI base) {
        return LongPollingClient.create(base);
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
