package io.github.realtimepatterns.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real {@code redis-server} that speaks only TLS, on a free port of 127.0.0.1, with a self-signed
 * certificate made for the test by the JDK's {@code keytool} (for {@code 127.0.0.1} and {@code
 * localhost}; it also listens on {@code 127.0.0.2}, which the certificate does not name). {@link #socketFactory()} trusts that certificate and nothing else; {@link #trustStore()}
 * holds it for a child JVM ({@code -Djavax.net.ssl.trustStore=...}). Killed on {@link #close()} and by a JVM
 * shutdown hook.
 *
 * <pre>{@code
 * try (TlsRedisServer redis = TlsRedisServer.start()) {
 *     RedisBroker broker = RedisBroker.builder(redis.uri()).sslSocketFactory(redis.socketFactory()).build();
 * }
 * }</pre>
 */
public final class TlsRedisServer implements AutoCloseable {

    /** Password of {@link #trustStore()}. */
    public static final String TRUST_STORE_PASSWORD = "changeit";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private final SSLSocketFactory socketFactory;
    private final Thread shutdownHook;
    private Process process;

    private TlsRedisServer(Path dir, int port, SSLSocketFactory socketFactory) {
        this.dir = dir;
        this.port = port;
        this.socketFactory = socketFactory;
        this.shutdownHook = new Thread(this::kill, "tls-redis-server-" + port + "-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Makes a certificate, starts {@code redis-server} with TLS on a free port and waits until it answers PING. */
    public static TlsRedisServer start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("tls-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TlsRedisServer server = null;
        try {
            SSLSocketFactory factory = makeCertificate(dir);
            server = new TlsRedisServer(dir, freePort(), factory);
            server.launch();
            return server;
        } catch (RuntimeException | Error e) {
            if (server != null) {
                server.close();
            } else {
                deleteTree(dir);
            }
            throw e;
        }
    }

    /** {@code rediss://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("rediss://127.0.0.1:" + port);
    }

    /** The TLS port. */
    public int port() {
        return port;
    }

    /** A socket factory that trusts this server's certificate only. */
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /** A PKCS12 trust store holding this server's certificate, password {@value #TRUST_STORE_PASSWORD}. */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** Kills the server and deletes its certificate files; idempotent. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            System.err.println("tls redis-server " + port + ": JVM shutting down, hook kept: " + e.getMessage());
        }
        deleteTree(dir);
    }

    private static SSLSocketFactory makeCertificate(Path dir) {
        Path keyStore = dir.resolve("server.p12");
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "redis", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", TRUST_STORE_PASSWORD, "-keypass", TRUST_STORE_PASSWORD));
        try {
            KeyStore server = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                server.load(in, TRUST_STORE_PASSWORD.toCharArray());
            }
            PrivateKey key = (PrivateKey) server.getKey("redis", TRUST_STORE_PASSWORD.toCharArray());
            X509Certificate certificate = (X509Certificate) server.getCertificate("redis");
            Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));
            Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("redis", certificate);
            try (OutputStream out = Files.newOutputStream(dir.resolve("trust.p12"))) {
                trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the generated certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(List.of("redis-server",
                "--port", "0", "--tls-port", Integer.toString(port), "--bind", "127.0.0.1", "127.0.0.2",
                "--tls-cert-file", dir.resolve("cert.pem").toString(),
                "--tls-key-file", dir.resolve("key.pem").toString(),
                "--tls-ca-cert-file", dir.resolve("cert.pem").toString(),
                "--tls-auth-clients", "no",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it on the PATH?)", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                String output;
                try {
                    output = Files.readString(dir.resolve("redis.log"));
                } catch (IOException e) {
                    output = "(log unreadable: " + e.getMessage() + ")";
                }
                throw new IllegalStateException("redis-server with TLS on port " + port + " did not answer PING within "
                        + START_TIMEOUT.toSeconds() + " s (built without TLS?); its output:\n" + output);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for redis-server", e);
            }
        }
    }

    private boolean answersPing() {
        try (SSLSocket socket = (SSLSocket) socketFactory.createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = socket.getInputStream().readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server " + p.pid() + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing redis-server " + p.pid(), e);
        }
        process = null;
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
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

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "redis-server with TLS on port " + port;
    }
}
