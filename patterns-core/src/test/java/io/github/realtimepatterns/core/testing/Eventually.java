package io.github.realtimepatterns.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: how timing-dependent tests wait, instead of sleeping. */
public final class Eventually {

    /** The deadline when none is given: generous, so a slow CI machine does not fail a correct test. */
    public static final Duration DEFAULT = Duration.ofSeconds(20);

    private Eventually() {
    }

    /** Waits up to {@link #DEFAULT} for {@code condition}; fails naming {@code what}. */
    public static void await(BooleanSupplier condition, String what) {
        await(DEFAULT, condition, () -> what);
    }

    /** Waits up to {@code timeout} for {@code condition}. */
    public static void await(Duration timeout, BooleanSupplier condition) {
        await(timeout, condition, () -> "the condition");
    }

    /** Waits up to {@code timeout} for {@code condition}; fails naming {@code what}. */
    public static void await(Duration timeout, BooleanSupplier condition, String what) {
        await(timeout, condition, () -> what);
    }

    /** Waits up to {@code timeout}; the failure message is computed then (it can show the state). */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what.get(), e);
            }
        }
    }
}
