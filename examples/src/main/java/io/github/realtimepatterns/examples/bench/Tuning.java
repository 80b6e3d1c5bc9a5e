package io.github.realtimepatterns.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The pattern knobs the examples set: how often short polling asks, how often the SSE node polls the
 * store, how long a long-poll is held. Passed to a {@code serve} child as flags, so the harness and the
 * server it measures agree on them.
 *
 * @param pollInterval     short polling: time between two requests of one client
 * @param ssePollInterval  sse-db-polling: time between two store polls of the node
 * @param longPollTimeout  long-polling: how long the server holds a request with nothing new
 */
public record Tuning(Duration pollInterval, Duration ssePollInterval, Duration longPollTimeout) {

    /** The defaults of the comparison: 1 s, 500 ms, 25 s. */
    public static final Tuning DEFAULTS = new Tuning(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(25));

    /** Checks every duration is positive. */
    public Tuning {
        positive("pollInterval", pollInterval);
        positive("ssePollInterval", ssePollInterval);
        positive("longPollTimeout", longPollTimeout);
    }

    /** Reads {@code --poll-interval}, {@code --sse-poll-interval} and {@code --long-poll-timeout}. */
    public static Tuning from(Args args) {
        return new Tuning(args.duration("poll-interval", DEFAULTS.pollInterval),
                args.duration("sse-poll-interval", DEFAULTS.ssePollInterval),
                args.duration("long-poll-timeout", DEFAULTS.longPollTimeout));
    }

    /** The flags that give a {@code serve} child these settings. */
    public List<String> toFlags() {
        List<String> flags = new ArrayList<>();
        flags.add("--poll-interval=" + pollInterval.toMillis() + "ms");
        flags.add("--sse-poll-interval=" + ssePollInterval.toMillis() + "ms");
        flags.add("--long-poll-timeout=" + longPollTimeout.toMillis() + "ms");
        return flags;
    }

    /** The flag names {@link #from} reads. */
    public static List<String> flagNames() {
        return List.of("poll-interval", "sse-poll-interval", "long-poll-timeout");
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + d);
        }
    }
}
