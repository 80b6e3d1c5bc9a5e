package io.github.realtimepatterns.longpolling.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.WireJson;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Holds 10,000 concurrent parked long-polls on one node and times how long one publish takes to reach
 * them all. Starts the server ({@link LongPollingBenchServer}) in a second JVM, opens the connections
 * here with raw non-blocking sockets (one selector thread), and prints: connections held, live heap per
 * 1,000 parked polls (measured in the server JVM after GC, minus a baseline taken before connecting),
 * the server's threads before and after, and p50/p99/max of publish-to-answer latency over every answer
 * and of publish-to-last-answer over the rounds. Bounded in time, loopback only, stops by itself.
 *
 * <p>System properties: {@code connections} (10000), {@code rounds} (20), {@code serverHeap} (1g).
 */
public final class LongPollingBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final int connections = Integer.getInteger("connections", 10_000);
    private final int rounds = Integer.getInteger("rounds", 20);
    private URI base;
    private InetSocketAddress address;

    private LongPollingBench() {
    }

    /** Runs the benchmark once and prints its results. */
    public static void main(String[] args) throws Exception {
        new LongPollingBench().run();
        System.exit(0);
    }

    private void run() throws Exception {
        Process server = startServer();
        try {
            measure();
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private Process startServer() throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = List.of(java, "-Xmx" + System.getProperty("serverHeap", "1g"), "-XX:+UseG1GC",
                "-cp", classpath(), LongPollingBenchServer.class.getName());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("BENCH-PORT ")) {
                int port = Integer.parseInt(line.substring("BENCH-PORT ".length()).trim());
                address = new InetSocketAddress("127.0.0.1", port);
                base = URI.create("http://127.0.0.1:" + port + "/");
                return process;
            }
        }
        throw new IllegalStateException("the bench server exited before it was ready");
    }

    private static String classpath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof URLClassLoader urls) {
            List<String> entries = new ArrayList<>();
            for (URL url : urls.getURLs()) {
                entries.add(new File(URI.create(url.toString())).getPath());
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private void measure() throws Exception {
        System.out.println("long-polling scale run: " + connections + " parked polls, " + rounds
                + " publishes; server and clients in two JVMs on one shared 2-core machine (loopback)");
        warmUp();
        JsonNode before = get("bench/stats");
        Clients clients = new Clients(connections);
        long t0 = System.nanoTime();
        clients.connectAll();
        awaitParked(connections, Duration.ofMinutes(3));
        System.out.printf("connections held: %d (parked on the server: %d), opened and parked in %d ms%n",
                clients.open(), get("metrics").path("parked").asInt(), (System.nanoTime() - t0) / 1_000_000);
        JsonNode held = get("bench/stats");
        long perThousand = (held.path("heapUsed").asLong() - before.path("heapUsed").asLong()) * 1000 / connections;
        System.out.printf("server live heap after GC: baseline %.1f MB, with %d parked %.1f MB -> %.2f MB per 1,000 parked polls (target <= 6 MB)%n",
                mb(before.path("heapUsed").asLong()), connections, mb(held.path("heapUsed").asLong()), mb(perThousand));
        System.out.printf("server threads: %d before connections, %d with %d parked%n", before.path("threads").asInt(),
                held.path("threads").asInt(), connections);
        System.out.println("server thread groups with polls parked: " + held.path("threadGroups"));

        Histogram answers = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram fanout = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int round = 1; round <= rounds; round++) {
            long sent = System.nanoTime();
            clients.expect(round, answers, sent);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("channels/bench/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"round\":" + round + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("publish answered " + r.statusCode() + ": " + r.body());
            }
            long last = clients.awaitAll(sent, Duration.ofSeconds(60));
            fanout.recordValue(last - sent);
            awaitParked(connections, Duration.ofSeconds(60));
        }
        System.out.printf("publish -> each of %d answers (%d answers): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                connections, answers.getTotalCount(), ms(answers.getValueAtPercentile(50)),
                ms(answers.getValueAtPercentile(99)), ms(answers.getMaxValue()));
        System.out.printf("publish -> last of %d answers (%d publishes): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                connections, fanout.getTotalCount(), ms(fanout.getValueAtPercentile(50)),
                ms(fanout.getValueAtPercentile(99)), ms(fanout.getMaxValue()));
        JsonNode after = get("bench/stats");
        System.out.printf("server threads after the rounds: %d; lost or duplicate answers: %d%n",
                after.path("threads").asInt(), clients.errors.get());
        clients.close();
    }

    /** Parks, wakes and times out a few polls so that the baseline heap includes the loaded classes. */
    private void warmUp() throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            polls.add(HTTP.sendAsync(HttpRequest.newBuilder(base.resolve("channels/warmup/messages?after=0&wait=30"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        awaitParked(50, Duration.ofSeconds(30));
        HTTP.send(HttpRequest.newBuilder(base.resolve("channels/warmup/messages")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        for (var p : polls) {
            p.get(30, TimeUnit.SECONDS);
        }
        awaitParked(0, Duration.ofSeconds(30));
    }

    private void awaitParked(int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (get("metrics").path("parked").asInt() != n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + get("metrics").path("parked").asInt() + " of " + n + " parked");
            }
            Thread.sleep(50);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return WireJson.tree(r.body());
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** The parked polls: raw sockets on one selector thread, each re-polling after its answer. */
    private final class Clients implements AutoCloseable {
        private final int count;
        private final Selector selector = Selector.open();
        private final List<SocketChannel> channels = new ArrayList<>();
        private final AtomicInteger answered = new AtomicInteger();
        private final AtomicInteger errors = new AtomicInteger();
        private final AtomicLong lastAnswer = new AtomicLong();
        private volatile long expectedId;
        private volatile long publishedAt;
        private volatile Histogram histogram;
        private final Thread loop = new Thread(this::loop, "bench-selector");

        Clients(int count) throws IOException {
            this.count = count;
        }

        void connectAll() throws IOException {
            for (int i = 0; i < count; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.configureBlocking(false);
                channels.add(ch);
                send(ch, 0);
            }
            loop.setDaemon(true);
            loop.start();
        }

        int open() {
            return (int) channels.stream().filter(SocketChannel::isOpen).count();
        }

        void expect(long id, Histogram into, long sent) {
            answered.set(0);
            lastAnswer.set(0);
            histogram = into;
            publishedAt = sent;
            expectedId = id;
        }

        long awaitAll(long sent, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (answered.get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + answered.get() + " of " + count + " answered");
                }
                Thread.sleep(1);
            }
            return lastAnswer.get();
        }

        private void send(SocketChannel ch, long after) throws IOException {
            ByteBuffer request = ByteBuffer.wrap(("GET /channels/bench/messages?after=" + after
                    + "&wait=120 HTTP/1.1\r\nHost: bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            while (request.hasRemaining()) {
                ch.write(request);
            }
        }

        private void loop() {
            try {
                synchronized (this) {
                    for (SocketChannel ch : channels) {
                        ch.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(4096));
                    }
                }
                while (selector.isOpen()) {
                    selector.select(100);
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        if (key.isValid() && key.isReadable()) {
                            readable(key);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (selector.isOpen()) {
                    e.printStackTrace();
                }
            }
        }

        private void readable(SelectionKey key) throws IOException {
            SocketChannel ch = (SocketChannel) key.channel();
            ByteBuffer buf = (ByteBuffer) key.attachment();
            int n = ch.read(buf);
            if (n < 0) {
                key.cancel();
                ch.close();
                return;
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
            int headerEnd = text.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                return;
            }
            int lengthAt = text.toLowerCase().indexOf("content-length:");
            int length = Integer.parseInt(text.substring(lengthAt + 15, text.indexOf("\r\n", lengthAt)).trim());
            if (buf.position() < headerEnd + 4 + length) {
                return;
            }
            long now = System.nanoTime();
            String body = text.substring(headerEnd + 4, headerEnd + 4 + length);
            buf.clear();
            long id = expectedId;
            if (!body.contains("\"id\":" + id + ",")) {
                errors.incrementAndGet();
            }
            Histogram h = histogram;
            long at = publishedAt;
            long latency = at == 0 ? 0 : Math.max(0, now - at);
            if (h != null) {
                h.recordValue(Math.min(latency, h.getHighestTrackableValue()));
            }
            lastAnswer.accumulateAndGet(now, Math::max);
            send(ch, id);
            answered.incrementAndGet();
        }

        @Override
        public void close() throws IOException {
            selector.close();
            for (SocketChannel ch : channels) {
                ch.close();
            }
        }
    }
}
