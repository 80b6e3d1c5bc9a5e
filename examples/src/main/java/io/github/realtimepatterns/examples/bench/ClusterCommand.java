package io.github.realtimepatterns.examples.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;

/**
 * {@code cluster}: N nodes of one pattern as child JVMs, all on one Redis ({@code REDIS_URL} or a started
 * {@code redis-server}) and one store ({@code JDBC_URL} or an H2 TCP server started here), so that a message
 * published on any node reaches subscribers of every node. Prints the nodes' URLs; stops them all on exit.
 */
final class ClusterCommand {

    static final String USAGE = """
            Usage: java -jar realtime-patterns-examples.jar cluster [flags]

            Starts N nodes of one pattern as separate JVMs over one Redis and one shared store.
              --nodes N                 how many nodes (default 3)
              --pattern NAME            which pattern (default long-polling-broker); one of: %s
              --for D                   stop after this long (default: run until Ctrl-C)
              --poll-interval D, --sse-poll-interval D, --long-poll-timeout D   pattern knobs, as in serve
              --watch-stdin             exit when standard input closes (for a parent process)
            Environment: REDIS_URL (else a redis-server from the PATH is started), JDBC_URL (else an H2 TCP
            server is started in this process).
            """;

    static final Pattern READY = Pattern.compile("serve: \\S+ ready at (\\S+)");

    private ClusterCommand() {
    }

    static int run(List<String> argv) {
        List<String> valued = new ArrayList<>(List.of("nodes", "pattern", "for"));
        valued.addAll(Tuning.flagNames());
        Args args = Args.parse("cluster", argv, Set.copyOf(valued), Set.of("watch-stdin"));
        if (args.help()) {
            System.out.printf(USAGE, Patterns.names());
            return 0;
        }
        int nodes = args.integer("nodes", 3, 1, 32);
        PatternAdapter pattern = Patterns.named(args.string("pattern", "long-polling-broker"));
        Duration runFor = args.has("for") ? args.duration("for", null) : null;
        Tuning tuning = Tuning.from(args);
        List<AutoCloseable> started = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> closeAll(started), "cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Backends.Redis redis = Backends.findRedis(line -> System.out.println("cluster: " + line));
            if (redis == null) {
                throw new IllegalArgumentException("cluster: needs Redis: set REDIS_URL or put redis-server on the PATH");
            }
            started.add(0, redis);
            String jdbcUrl = System.getenv("JDBC_URL");
            if (jdbcUrl == null || jdbcUrl.isBlank()) {
                int port = Backends.freePort();
                Server h2 = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
                started.add(0, h2::stop);
                jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:cluster;DB_CLOSE_DELAY=-1";
                System.out.println("cluster: started an H2 TCP server: " + jdbcUrl);
            }
            Map<String, String> env = new HashMap<>();
            env.put("JDBC_URL", jdbcUrl);
            env.put("REDIS_URL", redis.url());
            List<String> urls = new ArrayList<>();
            for (int i = 1; i <= nodes; i++) {
                String name = "node-" + i;
                List<String> serve = new ArrayList<>(List.of("serve", "--pattern", pattern.name(), "--port", "0",
                        "--watch-stdin"));
                serve.addAll(tuning.toFlags());
                ChildProcess child = ChildProcess.startJvm(name, serve, env, List.of("-Xmx256m"),
                        line -> System.out.println("[" + name + "] " + line));
                started.add(0, child);
                // One node at a time: the first one creates the schema the others then find.
                Matcher ready = child.awaitLine(READY, Duration.ofSeconds(60));
                urls.add(ready.group(1));
            }
            System.out.println("cluster ready: " + nodes + " nodes of " + pattern.name() + " (store " + jdbcUrl
                    + ", redis " + redis.url() + ")");
            for (int i = 0; i < urls.size(); i++) {
                System.out.println("  node-" + (i + 1) + ": " + urls.get(i));
            }
            System.out.println("Publish on one node, subscribe on another. Ctrl-C stops every node.");
            System.out.flush();
            if (args.has("watch-stdin")) {
                ServeCommand.watchStdin();
            }
            if (runFor == null) {
                stopped.await();
            } else {
                stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
                System.out.println("cluster: " + runFor + " passed; stopping");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cluster: cannot start the H2 server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeAll(started);
        }
        return 0;
    }

    private static void closeAll(List<AutoCloseable> started) {
        List<AutoCloseable> copy;
        synchronized (started) {
            copy = new ArrayList<>(started);
            started.clear();
        }
        for (AutoCloseable c : copy) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("cluster: stopping " + c + " failed: " + e);
            }
        }
    }
}
