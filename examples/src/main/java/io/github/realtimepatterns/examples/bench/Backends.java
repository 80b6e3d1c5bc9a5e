package io.github.realtimepatterns.examples.bench;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Opens the store and broker the examples run on, and finds Redis: {@code REDIS_URL} when set, else a
 * {@code redis-server} from the {@code PATH} started on a free port, else none (the Redis patterns then run
 * on the in-JVM broker and the output says so).
 */
public final class Backends {

    private Backends() {
    }

    /**
     * The store at {@code jdbcUrl}, or an embedded in-memory H2 for {@code null} (a real database, so the
     * store query counts mean what they would in production).
     *
     * @throws IllegalStateException when the store cannot be reached
     */
    public static MessageStore openStore(String jdbcUrl) {
        MessageStore store = MessageStores.fromJdbcUrl(jdbcUrl);
        try {
            store.checkHealth();
        } catch (RuntimeException e) {
            store.close();
            throw new IllegalStateException("JDBC_URL cannot be reached: " + e.getMessage(), e);
        }
        return store;
    }

    /** A short description of the store {@link #openStore} opens for {@code jdbcUrl}. */
    public static String describeStore(String jdbcUrl) {
        return jdbcUrl == null ? "embedded in-memory H2" : jdbcUrl.replaceAll("password=[^&;]*", "password=***");
    }

    /**
     * The Redis broker at {@code redisUrl}, or the in-JVM one for {@code null}.
     *
     * @throws IllegalStateException when Redis cannot be reached
     */
    public static Broker openBroker(String redisUrl) {
        if (redisUrl == null) {
            return new InJvmBroker();
        }
        try {
            return RedisBroker.builder(redisUrl).build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("REDIS_URL cannot be reached: " + e.getMessage(), e);
        }
    }


    /** Where Redis is, and the process the examples started for it, if any. */
    public record Redis(String url, ChildProcess process) implements AutoCloseable {
        /** Stops the {@code redis-server} the examples started; leaves one named by {@code REDIS_URL} alone. */
        @Override
        public void close() {
            if (process != null) {
                process.close();
            }
        }

        /** Whether the examples started this Redis. */
        public boolean started() {
            return process != null;
        }
    }

    /**
     * Redis for the examples: {@code REDIS_URL} from the environment, else a {@code redis-server} from the
     * {@code PATH} on a free port (stopped with the harness), else {@code null}.
     */
    public static Redis findRedis(Consumer<String> log) {
        String url = System.getenv("REDIS_URL");
        if (url != null && !url.isBlank()) {
            return new Redis(url.trim(), null);
        }
        Path binary = onPath("redis-server");
        if (binary == null) {
            return null;
        }
        int port = freePort();
        // The shell wrapper stops redis-server when our pipe to it closes, even if this JVM is SIGKILLed.
        List<String> command = List.of("sh", "-c",
                "\"$0\" --port " + port + " --bind 127.0.0.1 --save '' --appendonly no --daemonize no & r=$!; "
                        + "trap 'kill $r 2>/dev/null' EXIT INT TERM HUP; cat >/dev/null; kill $r 2>/dev/null; wait $r",
                binary.toString());
        ChildProcess process = ChildProcess.start("redis-server", command, Map.of(), line -> { });
        awaitPort(port, Duration.ofSeconds(10), process);
        log.accept("started " + binary + " on 127.0.0.1:" + port);
        return new Redis("redis://127.0.0.1:" + port, process);
    }

    /** A TCP port that was free a moment ago on loopback. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** The executable {@code name} on the {@code PATH}, or {@code null}. */
    public static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static void awaitPort(int port, Duration timeout, ChildProcess process) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    break;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        process.close();
        throw new IllegalStateException("redis-server did not listen on port " + port + " within " + timeout);
    }
}
