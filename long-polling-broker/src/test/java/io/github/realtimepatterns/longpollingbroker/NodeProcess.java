package io.github.realtimepatterns.longpollingbroker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link LongPollingBrokerServer} in its own JVM, started with this JVM's java and test classpath; its
 * URL is parsed from the ready line it prints on stdout.
 */
final class NodeProcess implements AutoCloseable {

    final Process process;
    final URI uri;

    private NodeProcess(Process process, URI uri) {
        this.process = process;
        this.uri = uri;
    }

    static ProcessBuilder command(Map<String, String> env, String... jvmOptions) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classpath(), LongPollingBrokerServer.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.equals("PORT") || k.equals("REDIS_URL") || k.equals("JDBC_URL"));
        pb.environment().putAll(env);
        return pb;
    }

    /** The test classpath: {@code java.class.path}, or the loader's URLs under {@code exec:java}. */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader urls) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : urls.getURLs()) {
                entries.add(new java.io.File(URI.create(url.toString())).getPath());
            }
            if (!entries.isEmpty()) {
                return String.join(java.io.File.pathSeparator, entries);
            }
        }
        return System.getProperty("java.class.path");
    }

    static NodeProcess start(String redisUrl, String jdbcUrl, String... jvmOptions) {
        ProcessBuilder pb = command(Map.of("PORT", "0", "HOST", "127.0.0.1", "REDIS_URL", redisUrl,
                "JDBC_URL", jdbcUrl, "LONG_POLL_TIMEOUT", "5s", "SWEEP_INTERVAL", "3s"), jvmOptions)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process process = pb.start();
            CompletableFuture<URI> ready = CompletableFuture.supplyAsync(() -> readyUri(process));
            try {
                return new NodeProcess(process, ready.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IllegalStateException("the node did not become ready", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URI readyUri(Process process) {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = out.readLine()) != null) {
                int at = line.indexOf(" ready at ");
                if (line.startsWith(LongPollingBrokerServer.PATTERN) && at > 0) {
                    URI uri = URI.create(line.substring(at + " ready at ".length()).split(" ")[0]);
                    // Keep draining stdout so the node never blocks on a full pipe.
                    Thread drain = new Thread(() -> {
                        try {
                            out.transferTo(java.io.Writer.nullWriter());
                        } catch (IOException ignored) {
                            // the node exited
                        }
                    }, "node-stdout");
                    drain.setDaemon(true);
                    drain.start();
                    return uri;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("the node exited before it was ready");
    }

    /** Kills the node like a crash (SIGKILL): parked polls see their connection reset. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException, TimeoutException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
