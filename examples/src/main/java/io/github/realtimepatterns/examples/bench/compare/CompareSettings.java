package io.github.realtimepatterns.examples.bench.compare;

import io.github.realtimepatterns.examples.bench.Args;
import io.github.realtimepatterns.examples.bench.PatternAdapter;
import io.github.realtimepatterns.examples.bench.Patterns;
import io.github.realtimepatterns.examples.bench.Tuning;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The workload of one comparison, the same for every pattern.
 *
 * @param patterns    the patterns to run, in order
 * @param subscribers how many subscribers (one client and one connection each)
 * @param channels    how many channels; subscriber {@code i} follows channel {@code i % channels}, message
 *                    {@code n} goes to channel {@code n % channels}
 * @param rate        messages per second, all channels together
 * @param duration    how long the publisher publishes
 * @param payloadBytes size of each message's JSON body
 * @param drain       longest wait for the last deliveries after the last publish
 * @param tuning      the patterns' knobs
 * @param results     the folder under which {@code compare-<timestamp>/} is written
 * @param serverHeap  the {@code -Xmx} of each server JVM
 */
public record CompareSettings(List<PatternAdapter> patterns, int subscribers, int channels, int rate, Duration duration,
                              int payloadBytes, Duration drain, Tuning tuning, Path results, String serverHeap) {

    static final String USAGE = """
            Usage: java -jar realtime-patterns-examples.jar compare [flags]

            Runs every pattern under the same workload, one after the other, each server in its own JVM, and
            prints one table; writes it as Markdown and an SVG chart under results/compare-<timestamp>/.
              --patterns LIST           comma-separated subset (default all): %s
              --subscribers N           subscribers, one connection each (default 200; --quick: 50)
              --channels N              channels the subscribers are spread over (default 1)
              --rate N                  messages per second published (default 20)
              --duration D              how long to publish to each pattern (default 20s; --quick: 2s)
              --payload-bytes N         size of each message's JSON body (default 100)
              --drain D                 longest wait for the last deliveries (default 10s; --quick: 5s)
              --poll-interval D         short polling: client request interval (default 1s)
              --sse-poll-interval D     sse-db-polling: store poll interval (default 500ms)
              --long-poll-timeout D     long-polling: how long a request is held (default 25s)
              --server-heap SIZE        -Xmx of each server JVM (default 512m)
              --results DIR             where to write the report folder (default results)
              --quick                   a smoke run: 2 s per pattern (10 s of publishing for five), 50 subscribers
            Environment: REDIS_URL for the Redis patterns (else redis-server from the PATH, else the in-JVM
            broker, marked in the table).
            """;

    /** Reads the flags of {@code compare}. */
    public static CompareSettings from(Args args) {
        boolean quick = args.has("quick");
        int rate = args.integer("rate", 20, 1, 10_000);
        Duration duration = args.duration("duration", quick ? Duration.ofSeconds(2) : Duration.ofSeconds(20));
        return new CompareSettings(
                Patterns.select(args.string("patterns", null)),
                args.integer("subscribers", quick ? 50 : 200, 1, 10_000),
                args.integer("channels", 1, 1, 1_000),
                rate,
                duration,
                args.integer("payload-bytes", 100, Payload.MIN_BYTES, 60_000),
                args.duration("drain", quick ? Duration.ofSeconds(5) : Duration.ofSeconds(10)),
                Tuning.from(args),
                Path.of(args.string("results", "results")),
                heap(args.string("server-heap", "512m")));
    }

    /** The flags {@link #from} reads that take a value. */
    public static List<String> valuedFlags() {
        return List.of("patterns", "subscribers", "channels", "rate", "duration", "payload-bytes", "drain",
                "poll-interval", "sse-poll-interval", "long-poll-timeout", "server-heap", "results");
    }

    /** How many messages the publisher sends. */
    public long messages() {
        return Math.max(1, Math.round(rate * (duration.toMillis() / 1000.0)));
    }

    /** How many deliveries a lossless run makes: each message to every subscriber of its channel. */
    public long expectedDeliveries() {
        long total = 0;
        long messages = messages();
        for (int c = 0; c < channels; c++) {
            long subscribersOfC = subscribers / channels + (c < subscribers % channels ? 1 : 0);
            long messagesOfC = messages / channels + (c < messages % channels ? 1 : 0);
            total += subscribersOfC * messagesOfC;
        }
        return total;
    }

    private static String heap(String size) {
        if (!size.matches("\\d+[kmgKMG]?")) {
            throw new IllegalArgumentException("compare: --server-heap must look like 512m or 2g but was " + size);
        }
        return size;
    }
}
