package io.github.realtimepatterns.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpollingbroker.LongPollingBroker;
import io.github.realtimepatterns.polling.Polling;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every {@code curl} example in the README and {@code docs/} is replayed, in page order, against servers
 * started here, and answers with the status its page names ({@code # 201}) or, when it names none, a
 * {@code 2xx} or {@code 304}. A page named after a pattern gets that pattern; any other page gets polling
 * at the root with all five patterns also mounted under {@code /<pattern>/}. Each distinct
 * {@code host:port} of a page is its own node, all of a page's nodes over one store and one broker, so an
 * example that parks a poll on one node and publishes on another works as it says. Lines ending with
 * {@code &} run in the background and must have answered by the end of the page.
 */
class DocsCurlTest {

    private static final List<String> PATTERNS = List.of("polling", "long-polling", "long-polling-broker",
            "sse-db-polling", "websockets-redis");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void everyCurlExampleAnswersAsItsPageSays() {
        Map<Path, List<CurlCommand>> byPage = new LinkedHashMap<>();
        for (Path page : DocsPages.allPages()) {
            List<CurlCommand> commands = CurlCommand.on(page);
            if (!commands.isEmpty()) {
                byPage.put(page, commands);
            }
        }
        assertThat(byPage.values().stream().mapToInt(List::size).sum()).as("curl examples found").isGreaterThanOrEqualTo(4);
        List<String> failures = new ArrayList<>();
        byPage.forEach((page, commands) -> failures.addAll(replay(page, commands)));
        assertThat(failures).as("curl examples that did not answer as their page says").isEmpty();
    }

    @Test
    void aCurlLineIsReadAsTheShellAndCurlReadIt() {
        CurlCommand publish = CurlCommand.parse(Path.of("x.md"), 1,
                "curl -s -H 'Content-Type: application/json' -d '{\"text\":\"hi\"}' http://127.0.0.1:8083/channels/chat/messages   # 201");
        assertThat(publish.method()).isEqualTo("POST");
        assertThat(publish.body()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(publish.headers()).containsEntry("Content-Type", "application/json");
        assertThat(publish.expected()).isEqualTo(201);
        assertThat(publish.background()).isFalse();

        CurlCommand park = CurlCommand.parse(Path.of("x.md"), 2,
                "curl -sN 'http://127.0.0.1:8081/channels/chat/messages?after=0&wait=25' &   # parks on node 1");
        assertThat(park.method()).isEqualTo("GET");
        assertThat(park.uri().getRawQuery()).isEqualTo("after=0&wait=25");
        assertThat(park.background()).isTrue();
        assertThat(park.expected()).isNull();

        assertThat(CurlCommand.parse(Path.of("x.md"), 3, "curl -d x=1 http://h/p").headers())
                .containsEntry("Content-Type", "application/x-www-form-urlencoded");
        assertThatThrownBy(() -> CurlCommand.parse(Path.of("x.md"), 4, "curl http://h/p?a=1&b=2"))
                .hasMessageContaining("after &");
        assertThatThrownBy(() -> CurlCommand.parse(Path.of("x.md"), 5, "curl -u me:pw http://h/p"))
                .hasMessageContaining("-u");
        assertThatThrownBy(() -> CurlCommand.parse(Path.of("x.md"), 6, "curl \"http://$HOST/p\""))
                .hasMessageContaining("expansion");
    }

    private List<String> replay(Path page, List<CurlCommand> commands) {
        String name = page.getFileName().toString().replaceFirst("\\.md$", "");
        List<String> failures = new ArrayList<>();
        try (Nodes nodes = new Nodes(name)) {
            List<Pending> background = new ArrayList<>();
            for (CurlCommand command : commands) {
                URI target = nodes.uriFor(command.uri());
                CompletableFuture<Answer> answer = send(command, target);
                if (command.background()) {
                    background.add(new Pending(command, answer));
                } else {
                    check(command, answer, failures);
                }
            }
            background.forEach(p -> check(p.command(), p.answer(), failures));
        }
        return failures;
    }

    private record Pending(CurlCommand command, CompletableFuture<Answer> answer) {
    }

    private record Answer(int status, String body) {
    }

    private CompletableFuture<Answer> send(CurlCommand command, URI target) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(command.timeout())
                .method(command.method(), command.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(command.body()));
        command.headers().forEach(request::header);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()).thenApply(response -> {
            boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            try (InputStream in = response.body()) {
                // An event stream never ends: its status and headers are the answer.
                String body = stream ? "(event stream)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Answer(response.statusCode(), body);
            } catch (IOException e) {
                return new Answer(response.statusCode(), "(body unreadable: " + e + ")");
            }
        });
    }

    private static void check(CurlCommand command, CompletableFuture<Answer> pending, List<String> failures) {
        Answer answer;
        try {
            answer = pending.get(command.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            failures.add(command + "\n    failed: " + e);
            return;
        }
        boolean ok = command.expected() != null ? answer.status() == command.expected()
                : (answer.status() >= 200 && answer.status() < 300) || answer.status() == 304;
        if (!ok) {
            failures.add(command + "\n    answered " + answer.status() + " (expected "
                    + (command.expected() == null ? "2xx or 304" : command.expected()) + "): " + answer.body());
        }
    }

    /** The nodes of one page: one server per distinct origin, all over one store and one in-JVM broker. */
    private static final class Nodes implements AutoCloseable {
        private final String page;
        private final MessageStore store = MessageStores.h2InMemory();
        private final Broker broker = new InJvmBroker();
        private final Map<String, PatternServer> servers = new LinkedHashMap<>();
        private final List<RealtimeHandler> handlers = new ArrayList<>();

        Nodes(String page) {
            this.page = page;
        }

        /** The request's URI on the node standing in for its origin. */
        URI uriFor(URI documented) {
            String origin = documented.getScheme() + "://" + documented.getRawAuthority();
            PatternServer server = servers.computeIfAbsent(origin, o -> PatternServer.start(node(), 0));
            String rest = documented.getRawPath() + (documented.getRawQuery() == null ? "" : "?" + documented.getRawQuery());
            return URI.create(server.uri() + (rest.isEmpty() ? "/" : rest));
        }

        private HttpHandler node() {
            Map<String, Supplier<RealtimeHandler>> factories = Map.of(
                    "polling", () -> Polling.builder(store).broker(broker).build(),
                    "long-polling", () -> LongPolling.builder(store).broker(broker).build(),
                    "long-polling-broker", () -> LongPollingBroker.builder(store, broker).build(),
                    "sse-db-polling", () -> SseDbPolling.builder(store).broker(broker).build(),
                    "websockets-redis", () -> WebSocketsRedis.builder(store).broker(broker).build());
            if (factories.containsKey(page)) {
                RealtimeHandler handler = factories.get(page).get();
                handlers.add(handler);
                return handler;
            }
            RealtimeHandler root = factories.get("polling").get();
            handlers.add(root);
            PathHandler path = Handlers.path(root);
            for (String pattern : PATTERNS) {
                RealtimeHandler handler = factories.get(pattern).get();
                handlers.add(handler);
                path.addPrefixPath("/" + pattern, handler);
            }
            return path;
        }

        @Override
        public void close() {
            servers.values().forEach(PatternServer::close);
            handlers.forEach(RealtimeHandler::close);
            broker.close();
            store.close();
        }
    }
}
