package io.github.realtimepatterns.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pattern's standalone {@code main} in a child JVM, as a user runs it: started with an environment,
 * ready when it prints its {@code ready at http://...} line, stopped with SIGTERM. For smoke tests and
 * multi-process tests. The child is killed by a shutdown hook if a test leaves it running.
 */
public final class MainProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready at (http://[^\\s/]+)");

    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final CompletableFuture<URI> ready = new CompletableFuture<>();
    private final Thread killer;

    private MainProcess(Class<?> mainClass, Map<String, String> env) {
        this(List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass.getName()),
                mainClass.getSimpleName(), env);
    }

    private MainProcess(List<String> command, String name, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> List.of("PORT", "HOST", "JDBC_URL", "REDIS_URL").contains(k));
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + name, e);
        }
        killer = new Thread(process::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(killer);
        pump(process.inputReader(StandardCharsets.UTF_8), stdout, true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), stderr, false);
        process.onExit().thenRun(() -> ready.completeExceptionally(new AssertionError(
                name + " exited with " + process.exitValue() + " before it was ready: " + stderr())));
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts {@code mainClass} with the test classpath and {@code env} (PORT, HOST, ... not inherited). */
    public static MainProcess start(Class<?> mainClass, Map<String, String> env) {
        return new MainProcess(mainClass, env);
    }

    /**
     * Starts {@code java <jvmOptions> -jar <jar>} with {@code env} (PORT, HOST, ... not inherited), as a
     * user runs a module's server jar.
     */
    public static MainProcess startJar(java.nio.file.Path jar, List<String> jvmOptions, Map<String, String> env) {
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the package phase builds it");
        }
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        return new MainProcess(command, jar.getFileName().toString(), env);
    }

    /** Waits up to {@code timeout} for the ready line and returns the URL it printed. */
    public URI awaitReady(Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (e.getCause() instanceof AssertionError a) ? a : new AssertionError(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("not ready within " + timeout + "; stdout " + stdout() + ", stderr " + stderr());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits up to {@code timeout} for the process to end by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running after " + timeout + "; stderr " + stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as a container runtime does, and returns the exit code (143 for a clean JVM stop). */
    public int terminate(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    /** Kills the process at once (SIGKILL), as a crashed node. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** What the process printed on stdout so far. */
    public synchronized String stdout() {
        return String.join("\n", stdout);
    }

    /** What the process printed on stderr so far. */
    public synchronized String stderr() {
        return String.join("\n", stderr);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs anyway.
        }
    }

    private void pump(BufferedReader reader, List<String> sink, boolean watchReady) {
        Thread t = new Thread(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (this) {
                        sink.add(line);
                    }
                    Matcher m = READY.matcher(line);
                    if (watchReady && m.find()) {
                        ready.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // The process ended; what it printed is kept.
            }
        }, "pump-" + process.pid());
        t.setDaemon(true);
        t.start();
    }
}
