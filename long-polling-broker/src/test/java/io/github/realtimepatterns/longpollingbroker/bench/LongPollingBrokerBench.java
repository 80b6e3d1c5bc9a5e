package io.github.realtimepatterns.longpollingbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.testing.RedisServer;
import io.github.realtimepatterns.longpollingbroker.BenchSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Three cluster nodes, each its own JVM ({@code LongPollingBrokerServer}), sharing a redis-server started on a
 * free port and an H2 TCP server; 3,000 long-polls parked on each node from this JVM (raw non-blocking
 * sockets on one selector thread, each keeping its own cursor); one publisher at a fixed rate through the
 * nodes in turn. Prints delivered / expected, lost, duplicates, publish-to-delivery latency (from the
 * intended send time, HdrHistogram), Redis messages per publish and database reads per delivered message.
 * Bounded in time, loopback only, stops by itself.
 *
 * <p>System properties: {@code perNode} (3000), {@code rate} (100 msg/s), {@code seconds} (30),
 * {@code nodeHeap} (512m), {@code nodeJvmArgs} (extra node JVM options, space-separated, {@code {i}} the node's
 * index; e.g. {@code -XX:StartFlightRecording=duration=30s,filename=/tmp/lp{i}.jfr,settings=profile}).
 */
public final class LongPollingBrokerBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final int perNode = Integer.getInteger("perNode", 3000);
    private final int rate = Integer.getInteger("rate", 100);
    private final int seconds = Integer.getInteger("seconds", 30);

    private LongPollingBrokerBench() {
    }

    /** Runs the benchmark once and prints its results. */
    public static void main(String[] args) throws Exception {
        new LongPollingBrokerBench().run();
        System.exit(0);
    }

    private void run() throws Exception {
        try (RedisServer redis = RedisServer.start(); BenchSupport.Cluster cluster = BenchSupport.Cluster.start(
                redis.uri().toString(), 3, System.getProperty("nodeHeap", "512m"), System.getProperty("nodeJvmArgs", ""))) {
            measure(cluster);
        }
    }

    private void measure(BenchSupport.Cluster cluster) throws Exception {
        List<URI> nodes = cluster.uris();
        int total = perNode * nodes.size();
        System.out.printf("long-polling-broker cluster run: %d nodes (one JVM each) x %d parked polls, one publisher at %d msg/s "
                + "for %d s; shared redis-server and H2 server; clients in a fourth JVM; one shared 2-core machine (loopback)%n",
                nodes.size(), perNode, rate, seconds);
        List<JsonNode> before = metrics(nodes);
        Clients clients = new Clients(nodes, perNode);
        long t0 = System.nanoTime();
        clients.connectAll();
        awaitParked(nodes, total, Duration.ofMinutes(3));
        System.out.printf("parked: %d polls on %d nodes in %d ms%n", total, nodes.size(), (System.nanoTime() - t0) / 1_000_000);
        List<JsonNode> parked = metrics(nodes);

        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        int count = rate * seconds;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        List<Long> nodeCpuBefore = cluster.cpuNanos();
        long benchCpuBefore = benchCpuNanos();
        long answersBefore = clients.answers.get();
        AtomicLong failures = new AtomicLong();
        Histogram publishLag = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        List<CompletableFuture<?>> publishes = new ArrayList<>(count);
        // On a fixed schedule and asynchronously: a slow answer never delays the next publish.
        for (int i = 0; i < count; i++) {
            long intended = start + i * periodNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            URI node = nodes.get(i % nodes.size());
            publishes.add(HTTP.sendAsync(HttpRequest.newBuilder(node.resolve("channels/bench/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"t\":" + intended + "}")).build(),
                    HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
                        if (e != null || r.statusCode() != 201) {
                            failures.incrementAndGet();
                        }
                        synchronized (publishLag) {
                            publishLag.recordValue(Math.min(Math.max(0, System.nanoTime() - intended),
                                    publishLag.getHighestTrackableValue()));
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        int failed = (int) failures.get();
        long published = count - failed;
        long expected = published * total;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (clients.delivered.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long drainedMs = (System.nanoTime() - (start + count * periodNanos)) / 1_000_000;
        List<Long> nodeCpuAfter = cluster.cpuNanos();
        long benchCpuAfter = benchCpuNanos();
        long answersInRun = clients.answers.get() - answersBefore;
        List<JsonNode> after = metrics(nodes);
        long delivered = clients.delivered.get();
        Histogram h = clients.latency;
        System.out.printf("published: %d (failed %d); delivered / expected: %d / %d (all in %d ms after the last publish)%n",
                published, failed, delivered, expected, drainedMs);
        System.out.printf("not delivered within 60 s of the last publish: %d (a gap in a poller's ids, i.e. a loss, counts as"
                + " out of order), duplicates: %d, out of order: %d, poll answers: %d (%.1f messages per answer)%n",
                expected - delivered, clients.duplicates.get(), clients.gaps.get(), clients.answers.get(),
                delivered / (double) Math.max(1, clients.answers.get()));
        System.out.printf("publish -> delivery (from the intended send time): p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
        System.out.printf("publish answered (from the intended send time, so a publisher that falls behind counts): "
                + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", ms(publishLag.getValueAtPercentile(50)),
                ms(publishLag.getValueAtPercentile(99)), ms(publishLag.getMaxValue()));
        System.out.printf("joins answered from the hub's recent messages (no store read): %d%n",
                delta(parked, after, "joinsFromMemory"));
        long redisPublished = delta(parked, after, "brokerPublished");
        long redisReceived = delta(parked, after, "brokerReceived");
        System.out.printf("Redis: %d PUBLISH for %d messages (%.2f per publish); %d notifications received by %d nodes "
                + "(%.2f per publish); subscriber connections: one per node%n",
                redisPublished, published, redisPublished / (double) published, redisReceived, nodes.size(),
                redisReceived / (double) published);
        long storeQueries = delta(parked, after, "storeQueries");
        long hubReads = delta(parked, after, "hubStoreReads");
        System.out.printf("database: %d queries by the nodes (%.4f per delivered message; appends included), "
                + "hub reads %d (%.4f per delivered message)%n",
                storeQueries, storeQueries / (double) Math.max(1, delivered), hubReads, hubReads / (double) Math.max(1, delivered));
        System.out.printf("node wake-ups: %d polls woken, %d timed out; %d connections open at the end%n",
                delta(parked, after, "woken"), delta(parked, after, "timedOut"), clients.open());
        long wallNanos = System.nanoTime() - start;
        long nodeCpu = 0;
        StringBuilder perNode = new StringBuilder();
        for (int i = 0; i < nodeCpuBefore.size(); i++) {
            long used = nodeCpuAfter.get(i) - nodeCpuBefore.get(i);
            nodeCpu += used;
            perNode.append(i == 0 ? "" : ", ").append(String.format("%.1f s", used / 1e9));
        }
        System.out.printf("CPU from the first publish to the drain (%.1f s wall): nodes %s (%.1f s, %.0f us per poll answer), "
                + "bench JVM (clients, publisher, H2) %.1f s; %d answers (%.0f per second)%n",
                wallNanos / 1e9, perNode, nodeCpu / 1e9, nodeCpu / 1e3 / Math.max(1, answersInRun),
                (benchCpuAfter - benchCpuBefore) / 1e9, answersInRun, answersInRun / (wallNanos / 1e9));
        System.out.printf("(before connecting the nodes had made %d store queries)%n", sum(before, "storeQueries"));
        clients.close();
    }

    private static long benchCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static long delta(List<JsonNode> from, List<JsonNode> to, String name) {
        return sum(to, name) - sum(from, name);
    }

    private static long sum(List<JsonNode> metrics, String name) {
        return metrics.stream().mapToLong(m -> m.path(name).asLong()).sum();
    }

    private static List<JsonNode> metrics(List<URI> nodes) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (URI node : nodes) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.resolve("metrics")).timeout(Duration.ofSeconds(60))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            all.add(WireJson.tree(r.body()));
        }
        return all;
    }

    private static void awaitParked(List<URI> nodes, int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sum(metrics(nodes), "parked") != n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + sum(metrics(nodes), "parked") + " of " + n + " parked");
            }
            Thread.sleep(100);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** The parked polls: raw sockets on one selector thread, each re-polling after its cursor after every answer. */
    private static final class Clients implements AutoCloseable {
        private final List<URI> nodes;
        private final int perNode;
        private final Selector selector = Selector.open();
        private final List<SocketChannel> channels = new ArrayList<>();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong answers = new AtomicLong();
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        private final Thread loop = new Thread(this::loop, "bench-selector");

        Clients(List<URI> nodes, int perNode) throws IOException {
            this.nodes = nodes;
            this.perNode = perNode;
        }

        /** One poller: its connection's read buffer and its cursor. */
        private static final class Poller {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            long cursor;
        }

        void connectAll() throws IOException {
            for (URI node : nodes) {
                for (int i = 0; i < perNode; i++) {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress(node.getHost(), node.getPort()));
                    ch.configureBlocking(false);
                    channels.add(ch);
                    send(ch, 0);
                }
            }
            loop.setDaemon(true);
            loop.start();
        }

        int open() {
            return (int) channels.stream().filter(SocketChannel::isOpen).count();
        }

        private static void send(SocketChannel ch, long after) throws IOException {
            ByteBuffer request = ByteBuffer.wrap(("GET /channels/bench/messages?after=" + after
                    + "&wait=60&limit=1000 HTTP/1.1\r\nHost: bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            while (request.hasRemaining()) {
                ch.write(request);
            }
        }

        private void loop() {
            try {
                synchronized (this) {
                    for (SocketChannel ch : channels) {
                        ch.register(selector, SelectionKey.OP_READ, new Poller());
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
            Poller p = (Poller) key.attachment();
            if (!p.buf.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(p.buf.capacity() * 2);
                p.buf.flip();
                bigger.put(p.buf);
                p.buf = bigger;
            }
            int n = ch.read(p.buf);
            if (n < 0) {
                key.cancel();
                ch.close();
                return;
            }
            String text = new String(p.buf.array(), 0, p.buf.position(), StandardCharsets.US_ASCII);
            int headerEnd = text.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                return;
            }
            int lengthAt = text.toLowerCase().indexOf("content-length:");
            int length = Integer.parseInt(text.substring(lengthAt + 15, text.indexOf("\r\n", lengthAt)).trim());
            if (p.buf.position() < headerEnd + 4 + length) {
                return;
            }
            long now = System.nanoTime();
            String body = text.substring(headerEnd + 4, headerEnd + 4 + length);
            p.buf.clear();
            answers.incrementAndGet();
            int at = 0;
            while ((at = body.indexOf("{\"id\":", at)) >= 0) {
                long id = number(body, at + 6);
                int t = body.indexOf("\"t\":", at);
                long sent = number(body, t + 4);
                at = t;
                if (id <= p.cursor) {
                    duplicates.incrementAndGet();
                    continue;
                }
                if (id != p.cursor + 1) {
                    gaps.incrementAndGet();
                }
                p.cursor = id;
                delivered.incrementAndGet();
                synchronized (latency) {
                    latency.recordValue(Math.min(Math.max(0, now - sent), latency.getHighestTrackableValue()));
                }
            }
            send(ch, p.cursor);
        }

        private static long number(String s, int from) {
            int end = from;
            while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '-')) {
                end++;
            }
            return Long.parseLong(s.substring(from, end));
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
