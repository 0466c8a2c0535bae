package dev.fairway.log;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for background threads to reach a state; a condition, never a fixed delay. */
final class Waits {
    private Waits() {}

    static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + " after " + limit);
            }
            Thread.sleep(10);
        }
    }
}
