package io.github.realtimepatterns.examples.bench.compare;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.client.MessageListener;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.examples.bench.ChildProcess;
import io.github.realtimepatterns.examples.bench.PatternAdapter;
import io.github.realtimepatterns.examples.bench.ServerStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * One pattern under the workload: start its server in a child JVM, put the byte-counting proxy in front,
 * connect every subscriber with the pattern's own Java client, warm up with one second of traffic that every
 * subscriber must receive, then publish on a fixed schedule, drain, and read the server's counters.
 */
final class PatternRun {

    private static final Pattern READY = Pattern.compile("serve: \\S+ ready at (\\S+) \\(store: (.*), broker: (.*), pid");
    private static final Duration WARM_UP = Duration.ofSeconds(30);

    private final PatternAdapter pattern;
    private final CompareSettings settings;
    private final String redisUrl;
    private final Consumer<String> progress;
    private final long origin = System.nanoTime();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder firstDeliveries = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder publishErrors = new LongAdder();
    private final AtomicLong expected = new AtomicLong();

    /**
     * @param redisUrl the Redis the server should use, or {@code null} for its in-JVM broker
     * @param progress receives one short status line about every second
     */
    PatternRun(PatternAdapter pattern, CompareSettings settings, String redisUrl, Consumer<String> progress) {
        this.pattern = pattern;
        this.settings = settings;
        this.redisUrl = redisUrl;
        this.progress = progress;
    }

    PatternResult run() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("serve", "--pattern", pattern.name(), "--port", "0", "--watch-stdin"));
        args.addAll(settings.tuning().toFlags());
        Map<String, String> env = redisUrl == null ? Map.of() : Map.of("REDIS_URL", redisUrl);
        HttpClient http = HttpPublisher.newHttpClient();
        List<HttpClient> clientHttp = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clientHttp.add(HttpPublisher.newHttpClient());
        }
        List<RealtimeClient> clients = new ArrayList<>();
        try (ChildProcess child = ChildProcess.startJvm("server-" + pattern.name(), args, env,
                List.of("-Xmx" + settings.serverHeap(), "-Xms64m"), line -> { })) {
            Matcher ready = child.awaitLine(READY, Duration.ofSeconds(60));
            URI serverUri = URI.create(ready.group(1));
            String note = "broker: " + ready.group(3);
            try (ByteCountingProxy proxy = new ByteCountingProxy(serverUri)) {
                ServerStats baseline = stats(http, serverUri, true);
                long bytes0 = proxy.bytesUp() + proxy.bytesDown();
                long connections0 = proxy.connections();

                List<Tally> tallies = new ArrayList<>();
                int[] subscribersOf = new int[settings.channels()];
                for (int i = 0; i < settings.subscribers(); i++) {
                    RealtimeClient client = pattern.client(proxy.uri(), clientHttp.get(i % clientHttp.size()),
                            settings.tuning());
                    clients.add(client);
                    Tally tally = new Tally(i % settings.channels());
                    tallies.add(tally);
                    subscribersOf[tally.channel]++;
                    client.subscribe(channel(tally.channel), Cursor.after(0), tally);
                }
                progress.accept(pattern.name() + ": " + settings.subscribers() + " subscribers connecting");
                Publisher publisher = new Publisher(http, serverUri, subscribersOf);
                // Warm-up: one second of traffic at the workload's rate, not measured, so that connections are
                // open and both JVMs have compiled the hot paths before the clock starts.
                int warmUps = Math.max(settings.channels(), Math.min(settings.rate(), 200));
                publisher.schedule(warmUps, true);
                long warmDeadline = System.nanoTime() + WARM_UP.toNanos();
                int cold;
                while ((cold = cold(tallies, warmUps / settings.channels())) > 0 && System.nanoTime() < warmDeadline) {
                    progress.accept(pattern.name() + ": warming up, " + cold + " of " + tallies.size()
                            + " subscribers still waiting for the warm-up messages");
                    Thread.sleep(100);
                }
                if (cold > 0) {
                    note += "; " + cold + " subscribers did not receive every warm-up message";
                }
                ServerStats connected = stats(http, serverUri, true);
                long deliveriesAtStart = deliveries.sum();

                long window0 = System.nanoTime();
                publisher.schedule(settings.messages(), false);
                long lastDue = System.nanoTime();
                long drainDeadline = lastDue + settings.drain().toNanos();
                while (firstDeliveries.sum() < expected.get() && System.nanoTime() < drainDeadline) {
                    progress.accept(status("draining", 0));
                    Thread.sleep(50);
                }
                long window1 = System.nanoTime();
                if (publishErrors.sum() > 0) {
                    note += "; " + publishErrors.sum() + " publishes failed (not counted as expected)";
                }
                ServerStats end = stats(http, serverUri, false);
                long bytes = proxy.bytesUp() + proxy.bytesDown() - bytes0;
                long connections = proxy.connections() - connections0;
                long sessionDeliveries = deliveries.sum();
                long windowDeliveries = sessionDeliveries - deliveriesAtStart;
                long duplicated = 0;
                long outOfOrder = 0;
                for (Tally t : tallies) {
                    synchronized (t) {
                        duplicated += t.duplicated;
                        outOfOrder += t.outOfOrder;
                    }
                }
                double heapPerConnection = (connected.heapBytes() - baseline.heapBytes()) / (double) settings.subscribers();
                Histogram copy = latency.copy();
                return new PatternResult(pattern.name(), note, false, expected.get(), firstDeliveries.sum(), duplicated,
                        outOfOrder, copy, sessionDeliveries, end.requests() - baseline.requests(), bytes, connections,
                        end.cpuNanos() - connected.cpuNanos(), windowDeliveries, (window1 - window0) / 1e9,
                        heapPerConnection, end.storeQueries() - connected.storeQueries(), clientErrors.sum());
            }
        } finally {
            clients.parallelStream().forEach(RealtimeClient::close);
        }
    }

    /**
     * Publishes on a fixed schedule without waiting for answers, so a slow publish delays no other: each
     * message is due at its slot, and its latency counts from there.
     */
    private final class Publisher {
        private final HttpClient http;
        private final URI server;
        private final int[] subscribersOf;
        private final List<CompletableFuture<?>> inFlight = new ArrayList<>();

        Publisher(HttpClient http, URI server, int[] subscribersOf) {
            this.http = http;
            this.server = server;
            this.subscribersOf = subscribersOf;
        }

        /** Sends {@code messages} at the workload's rate (seq 0 for warm-up ones) and waits for every answer. */
        void schedule(long messages, boolean warmUp) throws InterruptedException {
            long period = TimeUnit.SECONDS.toNanos(1) / settings.rate();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            long lastReport = System.nanoTime();
            for (long n = 1; n <= messages; n++) {
                long due = start + (n - 1) * period;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                int c = (int) (n % settings.channels());
                if (!warmUp) {
                    // Counted before the publish: a fast transport can deliver before its answer arrives.
                    expected.addAndGet(subscribersOf[c]);
                }
                HttpRequest request = HttpRequest.newBuilder(server.resolve("/channels/" + channel(c) + "/messages"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                Payload.of(warmUp ? 0 : n, due - origin, settings.payloadBytes())))
                        .build();
                inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
                    if (error != null || response.statusCode() != 201) {
                        publishErrors.increment();
                        if (!warmUp) {
                            expected.addAndGet(-subscribersOf[c]);
                        }
                    }
                    return null;
                }));
                if (!warmUp && System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                    lastReport = System.nanoTime();
                    progress.accept(status("publishing", n));
                }
            }
            try {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                publishErrors.increment();
            }
            inFlight.clear();
        }
    }

    private String status(String phase, long published) {
        long elapsed = latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99);
        return String.format("%s: %s%s  delivered %,d/%,d  p99 so far %.1f ms", pattern.name(), phase,
                published > 0 ? " " + published + "/" + settings.messages() : "", firstDeliveries.sum(),
                phase.equals("draining") ? expected.get() : settings.expectedDeliveries(), elapsed / 1000.0);
    }

    private String channel(int index) {
        return "compare-" + runId + "-" + index;
    }

    private static int cold(List<Tally> tallies, int warmUpsPerChannel) {
        int cold = 0;
        for (Tally t : tallies) {
            if (t.warmUps < warmUpsPerChannel) {
                cold++;
            }
        }
        return cold;
    }

    private static ServerStats stats(HttpClient http, URI server, boolean gc) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/__stats" + (gc ? "?gc=true" : "")))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/__stats answered " + response.statusCode() + ": " + response.body());
        }
        return ServerStats.parse(response.body());
    }

    /**
     * One subscriber's view: which messages arrived, how often, in what order (by id, which the store assigns
     * in commit order). Called one message at a time.
     */
    private final class Tally implements MessageListener {
        final int channel;
        final BitSet seenIds = new BitSet();
        volatile int warmUps;
        long maxId;
        long duplicated;
        long outOfOrder;

        Tally(int channel) {
            this.channel = channel;
        }

        @Override
        public synchronized void onMessage(Message message) {
            long now = System.nanoTime();
            deliveries.increment();
            if (message.id() > Integer.MAX_VALUE) {
                return;
            }
            int id = (int) message.id();
            boolean repeat = seenIds.get(id);
            if (repeat) {
                duplicated++;
            }
            if (id < maxId) {
                outOfOrder++;
            }
            maxId = Math.max(maxId, id);
            seenIds.set(id);
            long seq = Payload.seq(message.data());
            if (seq == 0) {
                warmUps++;
            } else if (seq > 0 && !repeat) {
                firstDeliveries.increment();
                long micros = Math.max(0, (now - origin - Payload.intendedNanos(message.data())) / 1000);
                latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
            }
        }

        @Override
        public void onError(Throwable error) {
            clientErrors.increment();
        }
    }
}
