package io.github.realtimepatterns.examples.proxy;

import io.github.realtimepatterns.core.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real nginx (Debian's package) run by a test: a child process in the foreground ({@code daemon off}),
 * its configuration, pid file, logs and temporary files in a directory of its own ({@code -p}), listening on
 * a free port of 127.0.0.1; never the system nginx. The configuration is the {@code http} block a test
 * gives, typically the one from {@code docs/operations.md} with its placeholders replaced by
 * {@link #forNodes}. Stopped on {@link #close()} (and by a shutdown hook), with its worker processes.
 */
final class Nginx implements AutoCloseable {

    /** A node line of the docs' upstream block: {@code server HOST:PORT;   # node}. */
    private static final Pattern NODE_LINE = Pattern.compile("(?m)^([ \\t]*)server\\s+\\S+;[ \\t]*#[ \\t]*node\\b.*\\R");
    /** The public listen line: {@code listen 80;   # public}. */
    private static final Pattern LISTEN_LINE = Pattern.compile("(?m)^([ \\t]*)listen\\s+[^;]+;([ \\t]*#[ \\t]*public\\b.*)$");

    private final Path dir;
    private final int port;
    private final Process process;
    private final Thread hook;

    private Nginx(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.hook = new Thread(this::stop, "stop-nginx-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The nginx binary: {@code nginx} on the PATH, else Debian's {@code /usr/sbin/nginx}, else {@code null}. */
    static Path binary() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "nginx"))) {
                return Path.of(dir, "nginx");
            }
        }
        Path debian = Path.of("/usr/sbin/nginx");
        return Files.isExecutable(debian) ? debian : null;
    }

    /** A TCP port of 127.0.0.1 that was free a moment ago. */
    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /**
     * The docs' configuration with its marked placeholders replaced: the {@code # node} server lines of the
     * upstream by one line per node, the {@code # public} listen line by {@code 127.0.0.1:port}.
     *
     * @throws AssertionError when the configuration lacks either placeholder
     */
    static String forNodes(String docsConfig, List<URI> nodes, int port) {
        Matcher first = NODE_LINE.matcher(docsConfig);
        if (!first.find()) {
            throw new AssertionError("the nginx configuration has no 'server HOST:PORT;  # node' line:\n" + docsConfig);
        }
        String indent = first.group(1);
        String servers = nodes.stream().map(n -> indent + "server " + n.getHost() + ":" + n.getPort() + ";")
                .collect(Collectors.joining("\n", "", "\n"));
        StringBuilder out = new StringBuilder();
        Matcher m = NODE_LINE.matcher(docsConfig);
        boolean firstLine = true;
        while (m.find()) {
            m.appendReplacement(out, firstLine ? Matcher.quoteReplacement(servers) : "");
            firstLine = false;
        }
        m.appendTail(out);
        String withNodes = out.toString();
        Matcher listen = LISTEN_LINE.matcher(withNodes);
        if (!listen.find()) {
            throw new AssertionError("the nginx configuration has no 'listen PORT;  # public' line:\n" + docsConfig);
        }
        return listen.replaceFirst(Matcher.quoteReplacement(listen.group(1) + "listen 127.0.0.1:" + port + ";"
                + listen.group(2)));
    }

    /**
     * Starts nginx with {@code httpBlock} (the inside of {@code http { }}) listening on {@code port}, and
     * waits until it accepts connections.
     */
    static Nginx start(String httpBlock, int port) {
        Path binary = binary();
        if (binary == null) {
            throw new AssertionError("nginx is not installed: apt-get install nginx (.ci/run does it)");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("nginx-it-");
            // Worker processes run as an unprivileged user when the tests run as root: let them in.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve("nginx.conf"), config(dir, httpBlock), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the nginx configuration", e);
        }
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-p", dir + "/", "-e",
                dir.resolve("error.log").toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile());
        Nginx nginx;
        try {
            nginx = new Nginx(dir, port, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        try {
            Eventually.await(Duration.ofSeconds(15), () -> nginx.listening() || !nginx.process.isAlive(),
                    () -> "nginx listens on 127.0.0.1:" + port + "; its log:\n" + nginx.log());
            if (!nginx.process.isAlive()) {
                throw new AssertionError("nginx exited with " + nginx.process.exitValue() + "; its log:\n" + nginx.log());
            }
        } catch (RuntimeException | Error e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    private static String config(Path dir, String httpBlock) {
        return """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events {
                    worker_connections 1024;
                }
                http {
                    log_format timing '$remote_addr [$time_local] "$request" $status $request_time $upstream_addr $upstream_status $upstream_response_time $connection';
                    access_log %1$s/access.log timing;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;

                %2$s
                }
                """.formatted(dir, httpBlock.indent(4).stripTrailing());
    }

    /** {@code http://127.0.0.1:port/}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The error log so far (and anything nginx printed). */
    String log() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("stdout.log", "error.log")) {
            Path file = dir.resolve(name);
            try {
                if (Files.exists(file)) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append(l).append('\n'));
                }
            } catch (IOException e) {
                out.append("(cannot read ").append(file).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops nginx (SIGTERM: its fast shutdown), then kills what is left, and deletes its directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and runs the hook anyway.
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e.getMessage());
        }
    }

    private void stop() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }
}
