package io.github.realtimepatterns.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (from the PATH) on a free port of 127.0.0.1, run as a child process for
 * tests: no persistence, killed on {@link #close()} and by a JVM shutdown hook, so a failed test never
 * leaves one behind. It can be stopped, restarted on the same port, frozen (SIGSTOP) and thawed.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     RedisBroker broker = RedisBroker.builder(redis.uri()).build();
 *     redis.stop(); redis.restart(); redis.freeze(); redis.unfreeze();
 * }
 * }</pre>
 *
 * Not thread-safe: drive it from the test thread.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private Process process;
    private boolean frozen;

    private RedisServer(int port) {
        this.port = port;
        try {
            this.log = Files.createTempFile("redis-" + port + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.shutdownHook = new Thread(this::kill, "redis-server-" + port + "-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a {@code redis-server} on a free port and waits until it answers PING. */
    public static RedisServer start() {
        RedisServer server = new RedisServer(freePort());
        try {
            server.launch();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The port it listens on (the same across restarts). */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** The OS process id of the running server, or -1 when stopped. */
    public long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /** Whether the server process is alive (frozen counts as alive). */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the server (SIGKILL, like a crash) and waits until it is gone. */
    public void stop() {
        kill();
    }

    /** Starts the server again on the same port (stopping it first if it runs) and waits for PING. */
    public void restart() {
        kill();
        launch();
    }

    /** Freezes the server with SIGSTOP: connections stay open, nothing is answered. */
    public void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** Thaws a frozen server with SIGCONT. */
    public void unfreeze() {
        signal("CONT");
        frozen = false;
    }

    /** Kills the server; idempotent. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (or ran) anyway.
            System.err.println("redis-server " + port + ": JVM shutting down, hook kept: " + e.getMessage());
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            System.err.println("could not delete " + log + ": " + e.getMessage());
        }
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(List.of("redis-server",
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it on the PATH?)", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                String output = readLog();
                kill();
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                        + START_TIMEOUT.toSeconds() + " s; its output:\n" + output);
            }
            pause(20);
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, reply.length);
            return new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly(); // SIGKILL works on a stopped process too
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server " + p.pid() + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing redis-server " + p.pid(), e);
        }
        process = null;
        frozen = false;
    }

    private void signal(String name) {
        if (!isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name, e);
        }
    }

    /** Whether {@link #freeze()} was called without {@link #unfreeze()}. */
    public boolean isFrozen() {
        return frozen;
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    @Override
    public String toString() {
        return "redis-server on port " + port + (isRunning() ? (frozen ? " (frozen)" : "") : " (stopped)");
    }
}
