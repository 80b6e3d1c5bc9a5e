package io.github.realtimepatterns.examples.bench;

import io.github.realtimepatterns.examples.bench.compare.CompareCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The runnable jar's main: {@code compare}, {@code demo}, {@code cluster} (and {@code serve}, the child
 * process the others start). {@code --help} after any command explains its flags.
 */
public final class Bench {

    static final String USAGE = """
            Usage: java -jar realtime-patterns-examples.jar COMMAND [flags]

            Commands:
              compare   run every pattern under the same workload and print one table (about two minutes; --quick: ten seconds)
              demo      one server with every pattern mounted, and a web page with one pane per pattern
              cluster   N nodes of one pattern over Redis and a shared H2 server
              serve     one pattern alone (what compare and cluster start as child processes)

            Run COMMAND --help for its flags. Patterns in this build: %s
            """;

    /** Held so that the levels set on them stay set (java.util.logging keeps loggers weakly). */
    private static final List<Logger> QUIETED = new ArrayList<>();

    private Bench() {
    }

    /**
     * On a machine with 2 cores the common pool has one thread, and then {@code CompletableFuture}'s async
     * stages, which the JDK HTTP client uses for every {@code sendAsync} answer, start a new thread per
     * stage: thousands per second under the comparison's load, enough to distort it. A pool of at least two
     * threads restores the intended behaviour. Must run before anything touches the common pool.
     */
    private static void roomyCommonPool() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /** Undertow and XNIO announce their versions at every start; the commands print their own ready lines. */
    private static void quietLibraryLogs() {
        // SLF4J (used by Jedis) otherwise warns on every start that it has no logging backend.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        for (String name : List.of("io.undertow", "org.xnio", "org.jboss.threads")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    /** Runs the command named by the first argument; exits with 0 on success, 2 on bad usage, 1 on failure. */
    public static void main(String[] args) {
        roomyCommonPool();
        quietLibraryLogs();
        int status;
        try {
            status = run(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            status = 2;
        } catch (RuntimeException e) {
            System.err.println("failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /** Runs a command and returns its exit status; bad usage throws {@link IllegalArgumentException}. */
    static int run(List<String> args) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            System.out.printf(USAGE, Patterns.names());
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "compare" -> CompareCommand.run(rest);
            case "demo" -> DemoCommand.run(rest);
            case "cluster" -> ClusterCommand.run(rest);
            case "serve" -> ServeCommand.run(rest);
            default -> throw new IllegalArgumentException("unknown command \"" + args.get(0)
                    + "\"; one of compare, demo, cluster, serve (see --help)");
        };
    }
}
