package io.github.realtimepatterns.core.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of a server that loses answers: on its first {@code drops} connections it forwards
 * the request and, as soon as the server's answer starts to arrive (so the server has done the work),
 * closes the client's connection without passing on a byte of it. Later connections pass through.
 */
final class AnswerDroppingProxy implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("(?im)^Idempotency-Key:\\s*(\\S+)\\s*$");

    private final ServerSocket listener;
    private final URI target;
    private final AtomicInteger drops;
    private final StringBuffer requests = new StringBuffer();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "answer-dropping-proxy");
        t.setDaemon(true);
        return t;
    });

    AnswerDroppingProxy(URI target, int drops) throws IOException {
        this.target = target;
        this.drops = new AtomicInteger(drops);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** Where clients connect: the target's URI with this proxy's port. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + target.getRawPath());
    }

    /** The {@code Idempotency-Key} of every request forwarded so far, in order. */
    List<String> keysSeen() {
        List<String> keys = new ArrayList<>();
        Matcher m = KEY.matcher(requests.toString());
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getHost(), target.getPort());
                boolean drop = drops.getAndDecrement() > 0;
                threads.execute(() -> pump(client, server, true));
                threads.execute(() -> {
                    if (drop) {
                        dropAnswer(client, server);
                    } else {
                        pump(server, client, false);
                    }
                });
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void dropAnswer(Socket client, Socket server) {
        try {
            server.getInputStream().read(); // blocks until the server answers: its work is done
        } catch (IOException e) {
            // the server closed first: close the client all the same
        }
        closeQuietly(client);
        closeQuietly(server);
    }

    private void pump(Socket from, Socket to, boolean record) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (record) {
                    requests.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket that failed already
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
