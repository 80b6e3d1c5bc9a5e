package io.github.realtimepatterns.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the examples started: a {@code serve} JVM or a {@code redis-server}. Every one is stopped when
 * the harness exits, however it exits: {@link #close()} closes the child's stdin (children watch it and
 * exit), then asks it to stop, then kills it and what it started; a shutdown hook does the same for every
 * child still running. A harness killed with SIGKILL runs no hook, but its children's stdin closes with it,
 * and they exit by themselves.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Thread HOOK = new Thread(ChildProcess::stopAll, "stop-children");

    static {
        Runtime.getRuntime().addShutdownHook(HOOK);
    }

    private final String name;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> recent = new ArrayList<>();

    private ChildProcess(String name, Process process, Consumer<String> echo) {
        this.name = name;
        this.process = process;
        pump(process.getInputStream(), echo, "out");
        pump(process.getErrorStream(), echo, "err");
    }

    /**
     * Starts a JVM with the same {@code java} binary and class path as this one, running this jar's main
     * with {@code args}; {@code env} is added to the inherited environment. Every output line goes to
     * {@code echo} (and is kept for {@link #awaitLine}).
     */
    public static ChildProcess startJvm(String name, List<String> args, Map<String, String> env, List<String> jvmOptions,
                                        Consumer<String> echo) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Bench.class.getName());
        command.addAll(args);
        return start(name, command, env, echo);
    }

    /** Starts {@code command} with {@code env} added to the inherited environment. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Consumer<String> echo) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            ChildProcess child = new ChildProcess(name, builder.start(), echo);
            RUNNING.add(child);
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** The child's name, as given at start. */
    public String name() {
        return name;
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for an output line matching {@code pattern} and returns the match; fails with the last lines the
     * child printed when it exits first or {@code timeout} passes.
     */
    public Matcher awaitLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(name + " printed no line matching " + pattern + " within " + timeout
                            + "; last output:\n" + recentOutput());
                }
                String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (line != null) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                } else if (!process.isAlive() && lines.isEmpty()) {
                    throw new IllegalStateException(name + " exited with status " + process.exitValue()
                            + " before it was ready; last output:\n" + recentOutput());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** Stops the child: stdin closed, SIGTERM after 5 s, SIGKILL (with its descendants) after 3 s more. */
    @Override
    public void close() {
        RUNNING.remove(this);
        stop();
    }

    private void stop() {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The pipe is already gone: the child is exiting anyway.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(2, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void stopAll() {
        List<ChildProcess> children = new ArrayList<>(RUNNING);
        RUNNING.clear();
        children.parallelStream().forEach(ChildProcess::stop);
    }

    private String recentOutput() {
        synchronized (recent) {
            return String.join("\n", recent);
        }
    }

    private void pump(InputStream in, Consumer<String> echo, String stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                    synchronized (recent) {
                        recent.add(line);
                        if (recent.size() > 40) {
                            recent.remove(0);
                        }
                    }
                    echo.accept(line);
                }
            } catch (IOException e) {
                // The child closed its output: it has exited.
            }
        }, name + "-" + stream);
        t.setDaemon(true);
        t.start();
    }
}
