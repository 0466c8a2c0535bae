package dev.fairway.testing;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running something, from the JVM's per-thread counter. */
public final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {}

    /** Bytes allocated per run of {@code r}, averaged over {@code runs} runs after as many warm-up runs (so the JIT has compiled it). */
    public static double perRun(int runs, Runnable r) {
        for (int i = 0; i < runs; i++) {
            r.run();
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < runs; i++) {
            r.run();
        }
        return (THREADS.getCurrentThreadAllocatedBytes() - before) / (double) runs;
    }
}
