package dev.fairway.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** A Prometheus histogram over fixed bucket bounds, in seconds; lock-free. */
final class Buckets {
    /** Bounds suited to LLM calls: tens of milliseconds for cache hits up to minutes for long generations. */
    static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final AtomicLongArray counts = new AtomicLongArray(SECONDS.length + 1);
    private final DoubleAdder sum = new DoubleAdder();

    void observe(double seconds) {
        int i = 0;
        while (i < SECONDS.length && seconds > SECONDS[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sum.add(seconds);
    }

    /** Cumulative count of observations at or below each bound; the last entry is +Inf (the total). */
    long[] cumulative() {
        long[] c = new long[SECONDS.length + 1];
        long running = 0;
        for (int i = 0; i < c.length; i++) {
            running += counts.get(i);
            c[i] = running;
        }
        return c;
    }

    double sum() {
        return sum.sum();
    }
}
