package io.github.realtimepatterns.examples.bench;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.store.MessageStore;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;

/**
 * {@code demo}: every pattern mounted on one server under its own prefix ({@code /polling/...},
 * {@code /long-polling/...}, ...), all over one store and one broker so that a message published on any
 * reaches every pane, and a page at {@code /} with one pane per pattern, each driven by that pattern's own
 * browser module.
 */
final class DemoCommand {

    static final String USAGE = """
            Usage: java -jar realtime-patterns-examples.jar demo [flags]

            One server with every pattern mounted under /<pattern>/ over one store and one broker, and a page
            at / with one pane per pattern: type a message once, watch it arrive in every pane.
              --port N                  port to listen on, 0 for a free one (default 8080)
              --host ADDR               address to bind (default 127.0.0.1)
              --channel NAME            the channel the page follows (default demo)
              --poll-interval D         short polling: client request interval (default 1s)
              --sse-poll-interval D     sse-db-polling: store poll interval (default 500ms)
              --long-poll-timeout D     long-polling: how long a request is held (default 25s)
              --watch-stdin             exit when standard input closes (for a parent process)
            Environment: JDBC_URL (store; embedded when unset), REDIS_URL (broker; in-JVM when unset).
            """;

    private static final String RESOURCES = "/io/github/realtimepatterns/examples/demo/";

    private DemoCommand() {
    }

    static int run(List<String> argv) {
        List<String> valued = new ArrayList<>(List.of("port", "host", "channel"));
        valued.addAll(Tuning.flagNames());
        Args args = Args.parse("demo", argv, Set.copyOf(valued), Set.of("watch-stdin"));
        if (args.help()) {
            System.out.print(USAGE);
            return 0;
        }
        Tuning tuning = Tuning.from(args);
        String channel = args.string("channel", "demo");
        io.github.realtimepatterns.core.Channels.validate(channel);
        Env env = Env.system();
        String jdbcUrl = env.jdbcUrl();
        String redisUrl = env.redisUrl();

        MessageStore store = Backends.openStore(jdbcUrl);
        Broker broker = Backends.openBroker(redisUrl);
        List<RealtimeHandler> handlers = new ArrayList<>();
        Map<String, LongSupplier> requests = new LinkedHashMap<>();
        PathHandler root = Handlers.path();
        StringBuilder patterns = new StringBuilder();
        for (PatternAdapter pattern : Patterns.all()) {
            RealtimeHandler handler = pattern.handler(store, broker, tuning);
            handlers.add(handler);
            RequestCounter counter = new RequestCounter(handler);
            requests.put(pattern.name(), counter::requests);
            root.addPrefixPath("/" + pattern.name(), counter);
            if (patterns.length() > 0) {
                patterns.append(',');
            }
            patterns.append("{\"name\":\"").append(pattern.name()).append("\",\"prefix\":\"/").append(pattern.name())
                    .append("\",\"script\":\"/").append(pattern.name()).append(pattern.script()).append("\",\"options\":")
                    .append(pattern.browser().json(tuning)).append('}');
        }
        String config = "{\"channel\":\"" + channel + "\",\"broker\":\"" + broker.describe().replace("\"", "'")
                + "\",\"patterns\":[" + patterns + "]}";
        root.addExactPath("/", resource("index.html", "text/html; charset=utf-8"))
                .addExactPath("/demo.js", resource("demo.js", "text/javascript; charset=utf-8"))
                .addExactPath("/demo.css", resource("demo.css", "text/css; charset=utf-8"))
                .addExactPath("/__demo.json", exchange -> Exchanges.sendJson(exchange, 200, config))
                .addExactPath("/__head", headHandler(store, channel))
                .addExactPath("/__stats", ServerStats.handler(() -> requests.values().stream()
                        .mapToLong(LongSupplier::getAsLong).sum(), () -> 0, store, requests));

        PatternServer server = PatternServer.builder(root)
                .host(args.string("host", "127.0.0.1"))
                .port(args.integer("port", 8080, 0, 65535))
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            handlers.forEach(RealtimeHandler::close);
            broker.close();
            store.close();
            stopped.countDown();
        }, "demo-shutdown"));
        System.out.println("demo ready at " + server.uri() + "/ (patterns: " + Patterns.names() + "; store: "
                + Backends.describeStore(jdbcUrl) + ", broker: " + broker.describe() + ") - open it in a browser, Ctrl-C to stop");
        System.out.flush();
        if (args.has("watch-stdin")) {
            ServeCommand.watchStdin();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code GET /__head}: the channel's epoch and head, where every pane starts so none misses a message. */
    private static HttpHandler headHandler(MessageStore store, String channel) {
        return exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(headHandler(store, channel));
                return;
            }
            ReadResult head = store.read(channel, Cursor.head(), 1);
            Exchanges.sendJson(exchange, 200, WireJson.write(out -> {
                out.writeStartObject();
                out.writeStringField("epoch", head.epoch());
                out.writeNumberField("cursor", head.cursor());
                out.writeEndObject();
            }));
        };
    }

    private static HttpHandler resource(String name, String contentType) {
        ByteBuffer body;
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            body = ByteBuffer.wrap(in.readAllBytes()).asReadOnlyBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            exchange.getResponseSender().send(body.duplicate());
        };
    }
}
