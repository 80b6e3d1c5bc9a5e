package io.github.realtimepatterns.core.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How much history a store keeps per channel: at most {@code maxMessages}, none older than {@code maxAge}.
 * A reader whose cursor is behind what was kept gets {@code truncated: true}.
 *
 * @param maxMessages most messages kept per channel, {@code >= 1}
 * @param maxAge      oldest message kept, positive; {@link Duration#ZERO} is not allowed, use
 *                    {@link #UNLIMITED_AGE} for no age limit
 */
public record Retention(int maxMessages, Duration maxAge) {

    /** No age limit. */
    public static final Duration UNLIMITED_AGE = Duration.ofSeconds(Long.MAX_VALUE);

    /** The default: 10,000 messages per channel, no age limit. */
    public static final Retention DEFAULT = new Retention(10_000, UNLIMITED_AGE);

    /**
     * Validates both limits.
     *
     * @param maxMessages the max messages
     * @param maxAge the max age
     */
    public Retention {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be >= 1 but was " + maxMessages);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be > 0 but was " + maxAge);
        }
    }

    /**
     * At most {@code maxMessages} per channel, no age limit.
     *
     * @param maxMessages the max messages
     * @return at most {@code maxMessages} per channel, no age limit
     */
    public static Retention ofMessages(int maxMessages) {
        return new Retention(maxMessages, UNLIMITED_AGE);
    }

    /**
     * Whether an age limit is set.
     *
     * @return whether an age limit is set
     */
    public boolean limitsAge() {
        return !maxAge.equals(UNLIMITED_AGE);
    }
}
