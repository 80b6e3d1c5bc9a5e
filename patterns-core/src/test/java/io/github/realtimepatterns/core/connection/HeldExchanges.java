package io.github.realtimepatterns.core.connection;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.xnio.Options;

/**
 * An Undertow server that holds every request open (dispatched to no executor, as the push transports do)
 * and hands its exchange to the test, with raw-socket clients: what the connection layer's tests stand on.
 */
final class HeldExchanges implements AutoCloseable {

    private final Undertow undertow;
    private final int port;
    private final BlockingQueue<HttpServerExchange> held = new LinkedBlockingQueue<>();

    HeldExchanges() {
        this.undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setSocketOption(Options.SEND_BUFFER, 4096) // a client that stops reading fills it fast
                .setHandler(exchange -> exchange.dispatch(SameThreadExecutor.INSTANCE, () -> held.add(exchange)))
                .build();
        undertow.start();
        this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** A client socket with a small receive buffer, connected to the server. */
    Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Sends a GET of {@code path} (HTTP/1.0 when {@code close}: the body is then the raw bytes until EOF). */
    static void request(Socket socket, String path, boolean close) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + (close ? " HTTP/1.0" : " HTTP/1.1") + "\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The next exchange the server holds. */
    HttpServerExchange next() throws InterruptedException {
        HttpServerExchange exchange = held.poll(20, TimeUnit.SECONDS);
        if (exchange == null) {
            throw new AssertionError("no request reached the server");
        }
        return exchange;
    }

    /** Runs {@code action} on the exchange's IO thread and returns what it returned. */
    static <T> T onIoThread(HttpServerExchange exchange, Function<HttpServerExchange, T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        exchange.getIoThread().execute(() -> {
            try {
                result.complete(action.apply(exchange));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(20, TimeUnit.SECONDS);
    }

    /** Reads the response head (status line and headers) off {@code in}. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
