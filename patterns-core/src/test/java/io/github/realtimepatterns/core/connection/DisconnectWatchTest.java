package io.github.realtimepatterns.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.testing.Eventually;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.IoUtils;

/** Each of the three signs of a gone client fires the watch once; a stopped watch gives the connection back. */
class DisconnectWatchTest {

    private final HeldExchanges server = new HeldExchanges();
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger gone = new AtomicInteger();

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    private Socket client() throws IOException {
        Socket socket = server.connect();
        sockets.add(socket);
        return socket;
    }

    private HttpServerExchange held(Socket client) throws Exception {
        HeldExchanges.request(client, "/held", false);
        return server.next();
    }

    private DisconnectWatch watch(HttpServerExchange exchange) throws Exception {
        return HeldExchanges.onIoThread(exchange, e -> DisconnectWatch.start(e, gone::incrementAndGet));
    }

    @Test
    void firesWhenTheClientEndsItsStream() throws Exception {
        Socket client = client();
        DisconnectWatch watch = watch(held(client));
        client.shutdownOutput();
        Eventually.await(() -> gone.get() == 1, "the watch fired");
        assertThat(watch.isGone()).isTrue();
        client.close();
        watch.writeFailed(new IOException("late"));
        assertThat(gone.get()).as("once").isEqualTo(1);
    }

    @Test
    void firesWhenTheConnectionIsClosed() throws Exception {
        HttpServerExchange exchange = held(client());
        watch(exchange);
        HeldExchanges.onIoThread(exchange, e -> {
            IoUtils.safeClose(e.getConnection());
            return null;
        });
        Eventually.await(() -> gone.get() == 1, "the close listener fired the watch");
    }

    @Test
    void firesOnAFailedWrite() throws Exception {
        Socket client = client();
        HttpServerExchange exchange = held(client);
        DisconnectWatch watch = watch(exchange);
        watch.writeFailed(new IOException("broken pipe"));
        assertThat(gone.get()).isEqualTo(1);
        client.close();
        Eventually.await(() -> !exchange.getConnection().isOpen(), "the server saw the end of the stream too");
        assertThat(gone.get()).as("once").isEqualTo(1);
    }

    @Test
    void aStoppedWatchStaysQuietAndTheConnectionServesItsNextRequest() throws Exception {
        Socket client = client();
        HttpServerExchange first = held(client);
        DisconnectWatch watch = watch(first);
        HeldExchanges.request(client, "/next", false); // pipelined behind the held one: not a disconnect
        HeldExchanges.onIoThread(first, e -> {
            watch.stop();
            e.getResponseSender().send("first");
            return null;
        });
        HttpServerExchange second = server.next();
        assertThat(second.getRequestPath()).isEqualTo("/next");
        HeldExchanges.onIoThread(second, e -> {
            e.getResponseSender().send("second");
            return null;
        });
        InputStream in = client.getInputStream();
        assertThat(HeldExchanges.readHead(in)).startsWith("HTTP/1.1 200");
        assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("first");
        assertThat(HeldExchanges.readHead(in)).startsWith("HTTP/1.1 200");
        assertThat(new String(in.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("second");
        client.close();
        Eventually.await(() -> !second.getConnection().isOpen(), "the server saw the client leave");
        assertThat(gone.get()).isZero();
    }
}
