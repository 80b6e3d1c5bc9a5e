package io.github.realtimepatterns.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every pattern's {@code *DocsTest} checks about its page, {@code docs/PAGE.md}: each of its java blocks
 * is a region ({@link DocSnippets}) of the pattern's example main in the examples module (the code a reader
 * copies, run by that module's {@code ExampleMainsIT}) or of the test class itself (scenarios only a test
 * can show, such as a refused read); and the page's claim that the handler can be mounted under a prefix of
 * the reader's own Undertow, next to their own routes, holds. A subclass names the page and the example and
 * says how to build the pattern's handler and Java client:
 *
 * <pre>{@code
 * class PollingDocsTest extends DocsPageContract {
 *     PollingDocsTest() {
 *         super("polling", "PollingExample");
 *     }
 *
 *     @Override
 *     protected RealtimeHandler newHandler(MessageStore store) {
 *         return Polling.builder(store).build();
 *     }
 *
 *     @Override
 *     protected RealtimeClient newClient(URI base) {
 *         return PollingClient.builder(base).interval(Duration.ofMillis(50)).build();
 *     }
 * }
 * }</pre>
 *
 * Paths resolve against the module directory, surefire's working directory. What a test passes to {@link
 * #closeLater} is closed after it, last first.
 */
public abstract class DocsPageContract {

    private static final Path EXAMPLES = Path.of("../examples/src/main/java/io/github/realtimepatterns/examples");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Path page;
    private final Path example;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /**
     * @param page the page's name, {@code docs/<page>.md} (the pattern's name)
     * @param example the simple name of the pattern's example main in {@code io.github.realtimepatterns.examples}
     */
    protected DocsPageContract(String page, String example) {
        this.page = Path.of("../docs", page + ".md");
        this.example = EXAMPLES.resolve(example + ".java");
    }

    /** A handler of the page's pattern over {@code store} with default knobs; the test closes it. */
    protected abstract RealtimeHandler newHandler(MessageStore store);

    /** The pattern's Java client over {@code base} (ending in {@code /}), quick to notice new messages. */
    protected abstract RealtimeClient newClient(URI base);

    /** Closes {@code closeable} after the test, before whatever was passed earlier; returns it. */
    protected final <T extends AutoCloseable> T closeLater(T closeable) {
        open.push(closeable);
        return closeable;
    }

    @AfterEach
    final void closeEverything() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    @Test
    final void theDocsPageShowsTheExampleAndThisTestsCode() {
        Path self = Path.of("src/test/java", getClass().getName().replace('.', '/') + ".java");
        DocSnippets.assertDocMatches(page, List.of(example, self));
    }

    @Test
    final void servesUnderAPrefixOfYourOwnUndertowNextToYourOwnRoute() throws IOException, InterruptedException {
        RealtimeHandler handler = closeLater(newHandler(closeLater(MessageStores.inMemory())));
        Undertow undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path()
                        .addExactPath("/hello", exchange -> exchange.getResponseSender().send("hello"))
                        .addPrefixPath("/realtime", handler))
                .build();
        undertow.start();
        closeLater(undertow::stop);
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        RealtimeClient client = closeLater(newClient(URI.create("http://127.0.0.1:" + port + "/realtime/")));
        RecordingListener listener = new RecordingListener();

        client.subscribe("chat", Cursor.after(0), listener);
        handler.service().publish("chat", "{\"text\":\"from the server\"}");
        client.publish("chat", "{\"text\":\"from a client\"}");

        listener.awaitCount(2);
        assertThat(listener.messages()).extracting(Message::data)
                .containsExactly("{\"text\":\"from the server\"}", "{\"text\":\"from a client\"}");
        HttpResponse<String> hello = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hello.body()).as("the route next to the pattern's").isEqualTo("hello");
    }
}
