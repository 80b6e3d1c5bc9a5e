package io.github.realtimepatterns.core.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling, instead of sleeping and hoping. */
public final class Eventually {

    private static final long POLL_MILLIS = 10;

    private Eventually() {
    }

    /**
     * Polls {@code condition} every 10 ms until it holds.
     *
     * @throws AssertionError naming {@code description} when it does not hold within {@code timeout}
     */
    public static void await(Duration timeout, BooleanSupplier condition, String description) {
        await(timeout, condition, () -> description);
    }

    /**
     * Polls {@code condition} every 10 ms until it holds; {@code description} is evaluated only on failure,
     * so it can report the state seen last.
     *
     * @throws AssertionError naming what did not happen when it does not hold within {@code timeout}
     */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("within " + timeout.toMillis() + " ms, expected: " + description.get());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + description.get(), e);
            }
        }
    }
}
