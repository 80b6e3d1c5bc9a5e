package io.github.realtimepatterns.examples.bench;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.store.MessageStore;
import io.undertow.Handlers;
import io.undertow.server.handlers.PathHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve}: one pattern on its own server, the process {@code compare} and {@code cluster} start as
 * children. Mounts the pattern at the root behind a {@link RequestCounter}, adds {@code /__stats}, prints
 * {@code serve: <pattern> ready at <url>} and runs until SIGTERM, Ctrl-C, or (with {@code --watch-stdin})
 * the end of its standard input, which is how a parent that dies takes its children with it.
 */
final class ServeCommand {

    static final String USAGE = """
            Usage: java -jar realtime-patterns-examples.jar serve --pattern NAME [flags]

            Runs one pattern alone (the process that compare and cluster start), with /__stats added.
              --pattern NAME            one of: %s
              --port N                  port to listen on, 0 for a free one (default 0)
              --host ADDR               address to bind (default 127.0.0.1)
              --poll-interval D         short polling: client request interval (default 1s)
              --sse-poll-interval D     sse-db-polling: store poll interval (default 500ms)
              --long-poll-timeout D     long-polling: how long a request is held (default 25s)
              --watch-stdin             exit when standard input closes (set by a parent process)
            Environment: JDBC_URL (shared store; embedded when unset), REDIS_URL (Redis broker; in-JVM when unset).
            Prints: serve: NAME ready at URL
            """;

    private ServeCommand() {
    }

    static int run(List<String> argv) {
        List<String> valued = new ArrayList<>(List.of("pattern", "port", "host"));
        valued.addAll(Tuning.flagNames());
        Args args = Args.parse("serve", argv, Set.copyOf(valued), Set.of("watch-stdin"));
        if (args.help()) {
            System.out.printf(USAGE, Patterns.names());
            return 0;
        }
        String name = args.string("pattern", null);
        if (name == null) {
            throw new IllegalArgumentException("serve: --pattern is required; one of " + Patterns.names());
        }
        PatternAdapter pattern = Patterns.named(name);
        Tuning tuning = Tuning.from(args);
        Env env = Env.system();
        String jdbcUrl = env.jdbcUrl();
        String redisUrl = env.redisUrl();

        MessageStore store = Backends.openStore(jdbcUrl);
        Broker broker;
        RealtimeHandler handler;
        PatternServer server;
        try {
            broker = Backends.openBroker(redisUrl);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            handler = pattern.handler(store, broker, tuning);
            RequestCounter counter = new RequestCounter(handler);
            PathHandler root = Handlers.path(counter).addExactPath("/__stats", ServerStats.handler(counter, store));
            server = PatternServer.builder(root)
                    .host(args.string("host", "127.0.0.1"))
                    .port(args.integer("port", 0, 0, 65535))
                    .start();
        } catch (RuntimeException e) {
            broker.close();
            store.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            server.close();
            handler.close();
            broker.close();
            store.close();
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "serve-shutdown"));
        System.out.println("serve: " + pattern.name() + " ready at " + server.uri() + "/ (store: "
                + Backends.describeStore(jdbcUrl) + ", broker: " + broker.describe() + ", pid " + ProcessHandle.current().pid() + ")");
        System.out.flush();
        if (args.has("watch-stdin")) {
            watchStdin();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Exits (running the shutdown hooks) when stdin reaches its end: the parent closed it or died. */
    static void watchStdin() {
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                    // Nothing is ever sent; reading only waits for the end of the stream.
                }
            } catch (IOException e) {
                // A broken pipe means the parent is gone, the same as the end of the stream.
            }
            System.exit(0);
        }, "watch-stdin");
        watcher.setDaemon(true);
        watcher.start();
    }
}
