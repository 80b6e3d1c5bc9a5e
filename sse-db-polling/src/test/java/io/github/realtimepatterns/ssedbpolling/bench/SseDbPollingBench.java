package io.github.realtimepatterns.ssedbpolling.bench;

import io.github.realtimepatterns.core.client.HttpPublisher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Ten thousand open event streams on one node: memory and threads per stream, publish-to-delivery latency
 * at the poll interval, and database queries per second. The server runs in its own JVM
 * ({@link BenchServer}); this JVM holds the streams on raw non-blocking sockets with one selector thread and
 * timestamps each event's arrival. Bounded in time, loopback only, stops by itself.
 *
 * <p>Arguments (all optional): streams (10000), messages (20), publish window in seconds (20), poll interval
 * (500ms).
 */
public final class SseDbPollingBench {

    private static final byte[] READY = "event: ready".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = "event: message".getBytes(StandardCharsets.US_ASCII);

    private SseDbPollingBench() {
    }

    /** Per-connection parse state: the current line (its first bytes) and the last id seen. */
    private static final class Conn {
        final byte[] line = new byte[32];
        int length;
        long id = -1;
        boolean ready;
    }

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int windowSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String interval = args.length > 3 ? args[3] : "500ms";
        System.out.println("sse-db-polling bench: " + streams + " streams, " + messages + " messages over "
                + windowSeconds + " s, poll interval " + interval + ", " + Runtime.getRuntime().availableProcessors()
                + " cores shared with other work on this machine");

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                BenchServer.class.getName(), interval).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter cmd = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
            int port = Integer.parseInt(expect(out, "PORT")[1]);
            URI base = URI.create("http://127.0.0.1:" + port + "/");
            HttpPublisher publisher = new HttpPublisher(HttpPublisher.newHttpClient(), base, Duration.ofSeconds(20));
            publisher.publish("warmup", "{}");
            long heap0 = heap(cmd, out);
            long[] stats0 = stats(cmd, out);

            AtomicLongArray intended = new AtomicLongArray(messages + 2);
            Histogram latency = new Histogram(60_000_000L, 3); // microseconds
            long[] received = new long[1];
            int[] readyCount = new int[1];
            Selector selector = Selector.open();
            List<SocketChannel> channels = new ArrayList<>(streams);
            byte[] request = ("GET /channels/bench/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);

            long connectStart = System.nanoTime();
            for (int opened = 0; opened < streams; ) {
                int batch = Math.min(500, streams - opened);
                for (int i = 0; i < batch; i++) {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                    ch.write(ByteBuffer.wrap(request));
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_READ, new Conn());
                    channels.add(ch);
                }
                opened += batch;
                int target = opened;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (readyCount[0] < target && System.nanoTime() < deadline) {
                    poll(selector, buf, intended, latency, received, readyCount, 100);
                }
            }
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            System.out.printf("streams ready: %d of %d in %.1f s%n", readyCount[0], streams, connectSeconds);

            long heap1 = heap(cmd, out);
            long[] stats1 = stats(cmd, out);

            Random random = new Random(42);
            long[] offsets = new long[messages];
            for (int i = 0; i < messages; i++) {
                offsets[i] = (long) (random.nextDouble() * windowSeconds * 1e9);
            }
            Arrays.sort(offsets);
            long start = System.nanoTime();
            Thread publishing = new Thread(() -> {
                for (int i = 0; i < messages; i++) {
                    long when = start + offsets[i];
                    long wait = when - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    intended.set(i + 1, when); // set before the publish: the store gives ids 1..n in order
                    publisher.publish("bench", "{\"n\":" + (i + 1) + "}");
                }
            }, "publisher");
            publishing.start();
            long expected = (long) messages * readyCount[0];
            long deadline = start + Duration.ofSeconds(windowSeconds + 30L).toNanos();
            while (received[0] < expected && System.nanoTime() < deadline) {
                poll(selector, buf, intended, latency, received, readyCount, 100);
            }
            double phaseSeconds = (System.nanoTime() - start) / 1e9;
            publishing.join();
            long[] stats2 = stats(cmd, out);

            System.out.printf("server heap: %.1f MB before streams, %.1f MB with %d streams -> %.2f MB per 1,000 streams%n",
                    heap0 / 1e6, heap1 / 1e6, readyCount[0], (heap1 - heap0) / 1e6 / (readyCount[0] / 1000.0));
            System.out.printf("server threads: %d before streams, %d with streams (open streams: %d)%n",
                    stats0[0], stats1[0], stats1[1]);
            System.out.printf("deliveries: %d of %d expected%n", received[0], expected);
            System.out.printf("publish-to-delivery (ms): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (n=%d)%n",
                    latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(90) / 1e3,
                    latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3,
                    latency.getMaxValue() / 1e3, latency.getTotalCount());
            double queriesPerSecond = (stats2[2] - stats1[2]) / phaseSeconds;
            double pollsPerSecond = (stats2[3] - stats1[3]) / phaseSeconds;
            System.out.printf("database: %.2f queries/s (%.2f poll ticks/s; %d publishes in the window) with %d streams%n",
                    queriesPerSecond, pollsPerSecond, messages, readyCount[0]);
            System.out.printf("server CPU: %.2f s over the %.1f s publish phase (%.1f us per delivery)%n",
                    (stats2[4] - stats1[4]) / 1e9, phaseSeconds,
                    received[0] == 0 ? 0 : (stats2[4] - stats1[4]) / 1e3 / received[0]);
            for (SocketChannel ch : channels) {
                ch.close();
            }
            selector.close();
            cmd.println("quit");
            expect(out, "BYE");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static void poll(Selector selector, ByteBuffer buf, AtomicLongArray intended, Histogram latency,
                             long[] received, int[] readyCount, long timeoutMillis) throws IOException {
        selector.select(timeoutMillis);
        long now = System.nanoTime();
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) key.channel();
            Conn conn = (Conn) key.attachment();
            buf.clear();
            int n;
            try {
                n = ch.read(buf);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                ch.close();
                continue;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b != '\n') {
                    if (conn.length < conn.line.length) {
                        conn.line[conn.length++] = b;
                    }
                    continue;
                }
                int len = conn.length;
                conn.length = 0;
                byte[] line = conn.line;
                if (len > 4 && line[0] == 'i' && line[1] == 'd' && line[2] == ':' && line[3] == ' ') {
                    long id = 0;
                    for (int i = 4; i < len; i++) {
                        id = id * 10 + (line[i] - '0');
                    }
                    conn.id = id;
                } else if (equals(line, len, READY)) {
                    if (!conn.ready) {
                        conn.ready = true;
                        readyCount[0]++;
                    }
                } else if (equals(line, len, MESSAGE)) {
                    long id = conn.id;
                    long sent = id > 0 && id < intended.length() ? intended.get((int) id) : 0;
                    if (sent != 0) {
                        latency.recordValue(Math.max(0, (now - sent) / 1000));
                        received[0]++;
                    }
                }
            }
        }
        selector.selectedKeys().clear();
    }

    private static boolean equals(byte[] line, int len, byte[] what) {
        return len == what.length && Arrays.equals(line, 0, len, what, 0, len);
    }

    private static long heap(PrintWriter cmd, BufferedReader out) throws IOException {
        cmd.println("heap");
        return Long.parseLong(expect(out, "HEAP")[1]);
    }

    private static long[] stats(PrintWriter cmd, BufferedReader out) throws IOException {
        cmd.println("stats");
        String[] f = expect(out, "STATS");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                Long.parseLong(f[5])};
    }

    private static String[] expect(BufferedReader out, String tag) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(tag)) {
                return line.trim().split("\\s+");
            }
        }
        throw new IOException("server ended before answering " + tag);
    }
}
