package io.github.realtimepatterns.core.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with full jitter: the n-th consecutive failure waits a random time in
 * {@code [min, min(max, min * 2^n)]}. Not thread-safe; one per retry loop.
 */
public final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private int failures;

    /**
     * From {@code min} to at most {@code max}; both positive, {@code min <= max}.
     *
     * @param min the smallest value
     * @param max the largest value
     */
    public Backoff(Duration min, Duration max) {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 < min <= max but was min=" + min + ", max=" + max);
        }
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
    }

    /**
     * The wait before the next attempt; counts a failure.
     *
     * @return the wait before the next attempt; counts a failure
     */
    public Duration next() {
        int n = Math.min(failures++, 30);
        long ceiling = Math.min(maxMillis, minMillis << n);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(minMillis, ceiling + 1));
    }

    /** After a success: the next failure waits {@code min} again. */
    public void reset() {
        failures = 0;
    }

    /**
     * Consecutive failures counted since the last reset.
     *
     * @return consecutive failures counted since the last reset
     */
    public int failures() {
        return failures;
    }
}
