package io.github.realtimepatterns.longpollingbroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.UUID;
import org.h2.tools.Server;

/**
 * An H2 TCP server in this JVM, for an all-embedded cluster: file databases under {@code target/}, so that
 * data survives {@link #stop()} and {@link #restart()} on the same port (an in-memory H2 dies with its
 * server). Driven from the test thread.
 */
final class H2Tcp implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Server server;

    private H2Tcp(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static H2Tcp start() {
        try {
            Path dir = Files.createDirectories(Paths.get("target", "h2-" + UUID.randomUUID())).toAbsolutePath();
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            H2Tcp h2 = new H2Tcp(dir, port);
            h2.restart();
            return h2;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new database on this server, shared by whoever opens the URL. */
    String newDatabaseUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/db-" + UUID.randomUUID().toString().substring(0, 8);
    }

    int port() {
        return port;
    }

    /** Stops the server: open connections break, new ones are refused. */
    void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Starts the server (again) on the same port, over the same files. */
    void restart() {
        stop();
        try {
            server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists", "-baseDir",
                    dir.toString()).start();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start the H2 server on port " + port, e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
