package dev.fairway.usage;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link SseStreamBenchmark}'s stream, timed in the thread's CPU time rather than wall time: on a
 * machine shared with other work, time spent waiting for a core does not count. Warms up, then
 * prints the CPU microseconds per stream of each round of 10,000 streams. Run from the repository's
 * root: {@code java -cp bench/target/benchmarks.jar dev.fairway.usage.StreamCpuTime whole 5}; for an
 * older build whose jar holds {@code SseStreamBenchmark} but not this class, put its jar first on the
 * class path and this build's after it ({@code -cp old.jar:bench/target/benchmarks.jar}), so that
 * everything but this class comes from the older build.
 */
public final class StreamCpuTime {
    private StreamCpuTime() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("arguments: <chunk: event, a byte count or whole> <rounds>");
        }
        SseStreamBenchmark bench = new SseStreamBenchmark();
        bench.body = "bench/floor/chat-stream.sse";
        bench.chunk = args[0];
        bench.reads();
        int rounds = Integer.parseInt(args[1]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long outputTokens = 0;
        for (int i = 0; i < 60_000; i++) {
            outputTokens += bench.stream().outputTokens();
        }
        StringBuilder line = new StringBuilder(args[0]).append(':');
        for (int r = 0; r < rounds; r++) {
            int n = 10_000;
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                outputTokens += bench.stream().outputTokens();
            }
            line.append(String.format(" %.1f", (threads.getCurrentThreadCpuTime() - start) / 1000.0 / n));
        }
        System.out.println(line.append(" us CPU per stream (").append(outputTokens > 0 ? "read" : "no").append(" usage)"));
    }
}
