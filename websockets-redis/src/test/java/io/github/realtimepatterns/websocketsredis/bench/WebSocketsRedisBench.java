package io.github.realtimepatterns.websocketsredis.bench;

import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One node, many sockets: live heap per 1,000 sockets, publish-to-delivery latency at 10,000 sockets, and
 * the highest delivery rate with p99 within 100 ms at 1,000 sockets. The server runs in a child JVM (its own
 * fds and heap); this JVM holds the sockets with a hand-written java.nio WebSocket client (one selector
 * thread, handshake by hand, unmasked server frames parsed in place). Loopback only, bounded in time.
 *
 * <p>Run (the server JVM gets this JVM's class path, so start it with {@code java -cp}, not exec:java):
 * <pre>
 * mvn -q -pl websockets-redis -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp websockets-redis/target/test-classes:websockets-redis/target/classes:$(cat websockets-redis/target/cp.txt) \
 *   io.github.realtimepatterns.websocketsredis.bench.WebSocketsRedisBench 10000
 * </pre>
 *
 * <p>System properties: {@code bench.stepSeconds} (10), {@code bench.startRate} (messages/s of the first
 * throughput step; default ~10,000 deliveries/s), {@code bench.latencyMessages} (30; 0 skips the latency
 * phase), {@code bench.serverJvmArgs} (extra options for the server JVM, e.g. a JFR recording, or
 * {@code -Dbench.writeCoalescing=PT0S} to compare without write coalescing).
 */
public final class WebSocketsRedisBench {

    private static final String CHANNEL = "bench";
    private static final int STEP_SECONDS = Integer.getInteger("bench.stepSeconds", 10);
    private static final byte[] MESSAGE_PREFIX = "{\"type\":\"message\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBED_PREFIX = "{\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] T_FIELD = "\"t\":".getBytes(StandardCharsets.US_ASCII);

    private WebSocketsRedisBench() {
    }

    /** {@code [sockets]} runs the benchmark; {@code server} is the child JVM's entry. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            server();
            return;
        }
        int sockets = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        new Driver(sockets).run();
    }

    // ------------------------------------------------------------------ server JVM

    private static void server() throws Exception {
        PrintStream out = System.out;
        WebSocketsRedis.Builder builder = WebSocketsRedis.builder(MessageStores.inMemory());
        String coalesce = System.getProperty("bench.writeCoalescing"); // e.g. -Dbench.writeCoalescing=PT0S
        if (coalesce != null) {
            builder.writeCoalescing(java.time.Duration.parse(coalesce));
        }
        try (WebSocketsRedisHandler handler = builder.build();
             PatternServer server = PatternServer.start(handler, 0)) {
            RealtimeService service = handler.service();
            out.println("port " + server.port());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split(" ");
                switch (cmd[0]) {
                    case "heap" -> out.println("heap " + liveHeap());
                    case "publish" -> {
                        int count = Integer.parseInt(cmd[1]);
                        double rate = Double.parseDouble(cmd[2]);
                        long intervalNanos = (long) (1e9 / rate);
                        long start = System.nanoTime();
                        long startMicros = nowMicros();
                        for (int i = 0; i < count; i++) {
                            long due = start + i * intervalNanos;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                            // The intended send time, not the actual one: no coordinated omission.
                            long intended = startMicros + (due - start) / 1000;
                            service.publish(CHANNEL, "{\"t\":" + intended + ",\"pad\":\"" + "p".repeat(64) + "\"}");
                        }
                        out.println("published " + count);
                    }
                    case "cpu" -> out.println("cpu " + processCpu() + " " + systemCpu());
                    case "sockets" -> out.println("sockets " + handler.socketCount() + " cutoff "
                            + handler.cutOffCount());
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("unknown " + line);
                }
                out.flush();
            }
        }
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
        } catch (IOException e) {
            return String.format("%.2f (1 min)", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Kernel-mode CPU time of this process in nanoseconds (from /proc), or -1 where there is no /proc. */
    static long systemCpu() {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[12]) * 10_000_000L; // stime, in clock ticks of 10 ms
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    // ------------------------------------------------------------------ client JVM

    /** Starts the server JVM, opens the sockets, runs the phases, prints the results. */
    private static final class Driver {
        final int total;
        Process server;
        BufferedReader serverOut;
        PrintStream serverIn;
        int port;
        final List<Conn> conns = new ArrayList<>();
        Selector selector;
        final Recorder recorder = new Recorder(60_000_000L, 3);
        volatile long delivered;

        Driver(int total) {
            this.total = total;
        }

        void run() throws Exception {
            System.out.println("websockets-redis bench: " + total + " sockets, one node (server in its own JVM),"
                    + " loopback, " + Runtime.getRuntime().availableProcessors()
                    + " cores SHARED with other work: numbers are indicative");
            System.out.println("load average at start: " + loadAverage());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx1g"));
            // e.g. -Dbench.serverJvmArgs=-XX:StartFlightRecording=duration=30s,filename=/tmp/ws.jfr to profile
            String extra = System.getProperty("bench.serverJvmArgs", "").trim();
            if (!extra.isEmpty()) {
                command.addAll(List.of(extra.split(" +")));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), WebSocketsRedisBench.class.getName(),
                    "server"));
            server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            serverIn = new PrintStream(server.getOutputStream(), true, StandardCharsets.UTF_8);
            try {
                port = Integer.parseInt(expect("port"));
                phases();
            } finally {
                serverIn.println("quit");
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroy();
                }
                for (Conn c : conns) {
                    c.channel.close();
                }
            }
        }

        String ask(String command, String answer) throws IOException {
            serverIn.println(command);
            return expect(answer);
        }

        String expect(String prefix) throws IOException {
            String line;
            while ((line = serverOut.readLine()) != null) {
                if (line.startsWith(prefix + " ")) {
                    return line.substring(prefix.length() + 1);
                }
                System.out.println("server: " + line);
            }
            throw new IOException("server ended");
        }

        void phases() throws Exception {
            long heap0 = Long.parseLong(ask("heap", "heap"));
            selector = Selector.open();
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i++) {
                conns.add(new Conn(port, selector));
            }
            // Started after every socket is registered: registering blocks while the selector selects.
            Thread reader = new Thread(this::readLoop, "bench-reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (conns.stream().filter(c -> c.subscribed).count() < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not all sockets subscribed");
                }
                Thread.sleep(50);
            }
            System.out.printf("connected and subscribed %d sockets in %.1f s; server says: %s%n", total,
                    (System.nanoTime() - t0) / 1e9, ask("sockets", "sockets"));
            long heap1 = Long.parseLong(ask("heap", "heap"));
            System.out.printf("live heap: %.1f MB idle, %.1f MB with %d sockets: %.2f MB per 1,000 sockets"
                            + " (target <= 8)%n", heap0 / 1e6, heap1 / 1e6, total,
                    (heap1 - heap0) / 1e6 / (total / 1000.0));

            int latencyMessages = Integer.getInteger("bench.latencyMessages", 30);
            if (latencyMessages > 0) {
                // JIT warm-up of the fan-out path, not reported: one cold message would be the whole p99.
                measure(10, 2.0, 10L * total);
                Histogram h = measure(latencyMessages, 1.0, (long) latencyMessages * total);
                System.out.printf("1 msg/s to %d sockets, %d messages: %d deliveries, p50 %.1f ms, p99 %.1f ms,"
                                + " max %.1f ms (target p99 <= 200)%n", total, latencyMessages, h.getTotalCount(),
                        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                        h.getMaxValue() / 1000.0);
            }

            int keep = Math.min(1000, total);
            for (Conn c : conns.subList(keep, conns.size())) {
                c.channel.close();
            }
            conns.subList(keep, conns.size()).clear();
            Thread.sleep(1000);
            System.out.println("throughput at " + keep + " sockets (p99 limit 100 ms), " + STEP_SECONDS
                    + " s per step, x1.5 per step from ~10,000 deliveries/s:");
            double best = 0;
            double warmRate = Math.max(1, Math.round(10_000.0 / keep));
            // JIT warm-up at the first step's rate, not reported: the first measured step would pay for it.
            measure((int) (warmRate * 5), warmRate, (long) (warmRate * 5) * keep);
            double rate = Double.parseDouble(System.getProperty("bench.startRate", String.valueOf(Math.max(1, Math.round(10_000.0 / keep)))));
            for (int step = 0; step < 16; step++, rate = Math.round(rate * 1.5)) {
                int count = (int) (rate * STEP_SECONDS);
                String[] c0 = ask("cpu", "cpu").split(" ");
                long cpu0 = Long.parseLong(c0[0]);
                long sys0 = Long.parseLong(c0[1]);
                long clientCpu0 = processCpu();
                long start = System.nanoTime();
                Histogram h2 = measure(count, rate, (long) count * keep);
                double seconds = (System.nanoTime() - start) / 1e9;
                String[] c1 = ask("cpu", "cpu").split(" ");
                long cpu1 = Long.parseLong(c1[0]);
                long sys1 = Long.parseLong(c1[1]);
                long clientCpu1 = processCpu();
                double p99 = h2.getValueAtPercentile(99) / 1000.0;
                boolean ok = p99 <= 100 && h2.getTotalCount() == (long) count * keep;
                long deliveries = Math.max(1, h2.getTotalCount());
                System.out.printf("  %5.0f msg/s -> %7.0f deliveries/s (%d of %d delivered), p50 %6.1f ms, p99 %7.1f ms,"
                                + " server CPU %5.1f us/delivery (%.1f in the kernel; %.0f%% of a core), client CPU %5.1f"
                        + " us/delivery %s%n",
                        rate, rate * keep, h2.getTotalCount(), (long) count * keep,
                        h2.getValueAtPercentile(50) / 1000.0, p99, (cpu1 - cpu0) / 1000.0 / deliveries,
                        (sys1 - sys0) / 1000.0 / deliveries,
                        (cpu1 - cpu0) / 1e7 / seconds, (clientCpu1 - clientCpu0) / 1000.0 / deliveries,
                        ok ? "ok" : "OVER");
                if (!ok) {
                    break;
                }
                best = rate * keep;
            }
            System.out.printf("highest sustained rate with p99 <= 100 ms at %d sockets: %.0f deliveries/s"
                    + " (target >= 75,000)%n", keep, best);
            System.out.println("server: " + ask("sockets", "sockets") + "; load average at end: " + loadAverage());
        }

        /** Publishes {@code count} at {@code rate} and waits for {@code expected} deliveries (or 30 s extra). */
        Histogram measure(int count, double rate, long expected) throws Exception {
            recorder.reset();
            long base = delivered;
            ask("publish " + count + " " + rate, "published");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (delivered - base < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(100);
            return recorder.getIntervalHistogram();
        }

        void readLoop() {
            try {
                while (selector.isOpen()) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Conn c = (Conn) key.attachment();
                        if (!key.isValid()) {
                            continue;
                        }
                        try {
                            c.read(this);
                        } catch (IOException e) {
                            key.cancel();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
            }
        }

        void record(long sentMicros) {
            long latency = Math.max(0, nowMicros() - sentMicros);
            recorder.recordValue(Math.min(latency, 60_000_000L));
            delivered++;
        }
    }

    /** One socket: handshake done blocking, then frames read without blocking by the selector thread. */
    private static final class Conn {
        final SocketChannel channel;
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        volatile boolean subscribed;

        Conn(int port, Selector selector) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.socket().setTcpNoDelay(true);
            String request = "GET /channels/" + CHANNEL + "/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            while (true) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("closed during handshake");
                }
                String head = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
                int end = head.indexOf("\r\n\r\n");
                if (end >= 0) {
                    if (!head.startsWith("HTTP/1.1 101")) {
                        throw new IOException("handshake refused: " + head);
                    }
                    buffer.flip();
                    buffer.position(end + 4);
                    buffer.compact();
                    break;
                }
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, this);
        }

        void read(Driver driver) throws IOException {
            int n;
            while ((n = channel.read(buffer)) > 0) {
                parse(driver);
                if (!buffer.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2);
                    buffer.flip();
                    bigger.put(buffer);
                    buffer = bigger;
                }
            }
            parse(driver);
            if (n < 0) {
                channel.close();
            }
        }

        private void parse(Driver driver) throws IOException {
            buffer.flip();
            while (buffer.remaining() >= 2) {
                int start = buffer.position();
                int opcode = buffer.get(start) & 0x0f;
                int len = buffer.get(start + 1) & 0x7f;
                int header = 2;
                if (len == 126) {
                    if (buffer.remaining() < 4) {
                        break;
                    }
                    len = ((buffer.get(start + 2) & 0xff) << 8) | (buffer.get(start + 3) & 0xff);
                    header = 4;
                } else if (len == 127) {
                    if (buffer.remaining() < 10) {
                        break;
                    }
                    len = (int) buffer.getLong(start + 2);
                    header = 10;
                }
                if (buffer.remaining() < header + len) {
                    break;
                }
                int payload = start + header;
                if (opcode == 1) {
                    text(driver, buffer.array(), payload, len);
                } else if (opcode == 9) {
                    // A pong must echo the ping's payload, masked (all-zero mask keeps it as is).
                    ByteBuffer pong = ByteBuffer.allocate(6 + len);
                    pong.put((byte) 0x8A).put((byte) (0x80 | len)).putInt(0);
                    pong.put(buffer.array(), payload, len).flip();
                    channel.write(pong);
                }
                buffer.position(payload + len);
            }
            buffer.compact();
        }

        /** Counts message frames and reads their send time from the bytes: no String, no JSON parse. */
        private void text(Driver driver, byte[] bytes, int offset, int length) {
            if (startsWith(bytes, offset, length, MESSAGE_PREFIX)) {
                int t = indexOf(bytes, offset, length, T_FIELD);
                long sent = 0;
                for (int i = t + T_FIELD.length; t >= 0 && i < offset + length && bytes[i] >= '0' && bytes[i] <= '9'; i++) {
                    sent = sent * 10 + (bytes[i] - '0');
                }
                driver.record(sent);
            } else if (startsWith(bytes, offset, length, SUBSCRIBED_PREFIX)) {
                subscribed = true;
            }
        }

        private static boolean startsWith(byte[] bytes, int offset, int length, byte[] prefix) {
            if (length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (bytes[offset + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] bytes, int offset, int length, byte[] needle) {
            outer:
            for (int i = offset; i <= offset + length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
