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

    /**
     * Bytes allocated so far by every thread of the process, ended ones included; a virtual
     * thread's count on its carrier. For work that hops threads (a host adapter's round trip):
     * the difference over many runs, divided by the runs.
     */
    public static long allThreads() {
        return THREADS.getTotalThreadAllocatedBytes();
    }
}
