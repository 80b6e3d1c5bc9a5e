package io.github.realtimepatterns.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking it every few milliseconds; fails with a description. */
public final class Eventually {

    private Eventually() {
    }

    /** Returns as soon as {@code condition} holds; throws {@link AssertionError} after {@code timeout}. */
    public static void await(Duration timeout, BooleanSupplier condition) {
        await(timeout, condition, () -> "condition");
    }

    /** Like {@link #await(Duration, BooleanSupplier)}, naming what was awaited in the failure. */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + timeout + ": " + description.get());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while awaiting " + description.get(), e);
            }
        }
    }
}
