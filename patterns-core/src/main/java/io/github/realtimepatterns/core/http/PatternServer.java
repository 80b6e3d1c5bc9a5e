package io.github.realtimepatterns.core.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.Options;

/**
 * Runs a handler on its own embedded Undertow: {@code PatternServer.start(handler, 0)} for a free port on
 * loopback, {@link #builder(HttpHandler)} for the rest.
 *
 * <p>Overrides Undertow defaults that hurt long-lived connections: a request-parse timeout against
 * slow-loris clients, an idle timeout between requests only (never on a request in progress, so parked
 * long-polls and streams are not cut; they carry their own heartbeats and timeouts), a large accept
 * backlog for connection storms.
 *
 * <p>{@link #close()} is graceful: new requests get 503, the handler is closed if it is
 * {@link AutoCloseable} (a {@link RealtimeHandler} answers parked requests and ends streams), in-flight
 * requests get up to 5 s to finish, then the listener stops. Idempotent.
 */
public final class PatternServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PatternServer.class.getName());

    private final Undertow undertow;
    private final GracefulShutdownHandler graceful;
    private final HttpHandler handler;
    private final URI uri;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PatternServer(Builder b) {
        this.handler = b.handler;
        this.graceful = new GracefulShutdownHandler(b.handler);
        this.undertow = Undertow.builder()
                .addHttpListener(b.port, b.host)
                .setIoThreads(b.ioThreads)
                .setWorkerThreads(b.workerThreads)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) b.requestParseTimeout.toMillis())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) b.noRequestTimeout.toMillis())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) b.maxEntitySize)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setSocketOption(Options.BACKLOG, b.backlog)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setHandler(graceful)
                .build();
        undertow.start();
        InetSocketAddress address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        this.uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    /**
     * Starts {@code handler} on loopback at {@code port} (0 picks a free one) with the defaults.
     *
     * @param handler the handler
     * @param port the port (0 for a free one)
     * @return the running server; close it to stop
     */
    public static PatternServer start(HttpHandler handler, int port) {
        return builder(handler).port(port).start();
    }

    /**
     * A builder for a server running {@code handler}.
     *
     * @param handler the handler
     * @return a builder for a server running {@code handler}
     */
    public static Builder builder(HttpHandler handler) {
        return new Builder(handler);
    }

    /**
     * The server's base URI, like {@code http://127.0.0.1:8080} (loopback when bound to every address).
     *
     * @return the server's base URI, like {@code http://127.0.0.1:8080} (loopback when bound to every address)
     */
    public URI uri() {
        return uri;
    }

    /**
     * The port the server listens on.
     *
     * @return the port the server listens on
     */
    public int port() {
        return uri.getPort();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        graceful.shutdown();
        if (handler instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the handler failed", e);
            }
        }
        try {
            if (!graceful.awaitShutdown(5_000)) {
                LOG.log(System.Logger.Level.WARNING, "requests still running after 5 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
    }

    /** Server settings with defaults fit for thousands of long-lived connections. */
    public static final class Builder {
        private final HttpHandler handler;
        private String host = "127.0.0.1";
        private int port = 8080;
        private int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int workerThreads = -1;
        private Duration requestParseTimeout = Duration.ofSeconds(10);
        private Duration noRequestTimeout = Duration.ofSeconds(75);
        private int maxEntitySize = 1024 * 1024;
        private int backlog = 16_384;

        private Builder(HttpHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * Address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface).
         *
         * @param host the host to listen on
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Port to bind, 0 for a free one (default 8080).
         *
         * @param port the port (0 for a free one)
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535 but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * XNIO IO threads (default max(2, cores)).
         *
         * @param threads the number of threads
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads must be >= 1 but was " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * Worker threads for blocking work such as store calls (default 8 x IO threads).
         *
         * @param threads the number of threads
         * @return this builder
         */
        public Builder workerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("workerThreads must be >= 1 but was " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /**
         * Longest time to receive a request's headers (default 10 s).
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder requestParseTimeout(Duration timeout) {
            this.requestParseTimeout = positive("requestParseTimeout", timeout);
            return this;
        }

        /**
         * Longest idle time of a keep-alive connection between requests (default 75 s).
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder noRequestTimeout(Duration timeout) {
            this.noRequestTimeout = positive("noRequestTimeout", timeout);
            return this;
        }

        /**
         * Largest request body Undertow reads for any route (default 1 MiB; publish has its own 64 KiB).
         *
         * @param bytes the number of bytes
         * @return this builder
         */
        public Builder maxEntitySize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxEntitySize must be >= 1 but was " + bytes);
            }
            this.maxEntitySize = bytes;
            return this;
        }

        /**
         * Accept backlog (default 16384).
         *
         * @param backlog the listen backlog
         * @return this builder
         */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be >= 1 but was " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /**
         * Starts the server; it is listening when this returns.
         *
         * @return the running server; close it to stop
         */
        public PatternServer start() {
            if (workerThreads < 0) {
                workerThreads = ioThreads * 8;
            }
            return new PatternServer(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }
    }
}
