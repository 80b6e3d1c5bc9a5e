package io.github.realtimepatterns.examples.bench.compare;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback TCP proxy that counts every byte in both directions and every connection: what the clients
 * and the server really put on the wire, headers, framing and heartbeats included, whatever the transport.
 * Two small threads per connection; fine for the few hundred connections of a comparison.
 */
public final class ByteCountingProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final LongAdder upstream = new LongAdder();
    private final LongAdder downstream = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private volatile boolean closed;

    /** Starts a proxy on a free loopback port that forwards to {@code target}. */
    public ByteCountingProxy(URI target) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.listener = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The proxy's base URI ({@code http://127.0.0.1:port/}). */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    /** Bytes sent by clients to the server so far. */
    public long bytesUp() {
        return upstream.sum();
    }

    /** Bytes sent by the server to clients so far. */
    public long bytesDown() {
        return downstream.sum();
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.sum();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            connections.increment();
            Socket server = new Socket();
            try {
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                server.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            open.add(client);
            open.add(server);
            pump(client, server, upstream, "up");
            pump(server, client, downstream, "down");
        }
    }

    private void pump(Socket from, Socket to, LongAdder counter, String direction) {
        Thread t = new Thread(null, () -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    counter.add(n);
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // One side closed or reset: close both, as the real connection would end.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "proxy-" + direction, 128 * 1024);
        t.setDaemon(true);
        t.start();
    }

    /** Stops accepting and closes every proxied connection. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing a socket that is already gone: nothing left to release.
        }
    }
}
