package dev.fairway.logstore;

import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.log.spool.SpoolWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;

/**
 * The feeder keeping up: N streamed-answer records ({@link StoreBench#streamLine}) are written to a
 * spool first, then a {@link StoreFeeder} with the given {@code feed_cpu_percent} feeds a fresh
 * SQLite store from it; prints the time to catch up and the feeder thread's CPU over that time.
 * Below 100 percent the feeder gives way: on Linux with JDK 22+ it waits for idle CPU before each
 * step of {@link StoreFeeder#IDLE_READ_MAX} (so this measures what those steps cost per record),
 * elsewhere it keeps to the budget. At 100 it reads {@link StoreFeeder#READ_MAX} at a time.
 * Not a test (classpath as for {@link StoreBench}):
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... dev.fairway.logstore.FeedBench 15000 25    (then: ... 15000 100; 15,000 records stay under the 256 MiB past which no budget applies)
 * </pre>
 */
public final class FeedBench {
    private FeedBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int percent = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("fairway-feed-bench");
        Path spoolDir = dir.resolve("spool");
        long start = 1_767_225_600_000L;
        try (Spool spool = Spool.open(spoolDir, 8L << 20, Long.MAX_VALUE, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { })) {
            for (int i = 1; i <= n; i++) {
                long at = start + i * 10L;
                writer.submit(new SpoolRecord() {
                    @Override
                    public byte[] render(Link link) {
                        return StoreBench.streamLine((int) link.seq(), at, new SplittableRandom(link.seq()));
                    }

                    @Override
                    public String logId() {
                        return "unused";
                    }
                });
                if (i % 500 == 0) {
                    writer.flush(false).join(); // the queue holds 1,024: wait rather than drop
                }
            }
            writer.flush(true).join();
        }
        long backlog = 0;
        try (var files = Files.list(spoolDir)) {
            for (Path p : files.toList()) {
                backlog += Files.size(p);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (LogStore store = LogStores.sqlite(dir.resolve("logs.db"), 2)) {
            long t0 = System.nanoTime();
            StoreFeeder feeder = new StoreFeeder(spoolDir, store, "bench", 500, 200, RouteRetention.none(), percent);
            Thread feederThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("fairway-log-store")).findFirst().orElseThrow();
            while (feeder.position() < n) {
                Thread.sleep(20);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = threads.getThreadCpuTime(feederThread.threadId()) / 1e9;
            feeder.close();
            System.out.printf("feed_cpu_percent %d: %d records (backlog %d MiB) stored in %.1f s, feeder CPU %.1f s = %.0f%% of"
                    + " one core (load average %.2f)%n", percent, store.count("chat") + store.count("support")
                    + store.count("search") + store.count("agents") + store.count("batch"),
                    backlog >> 20, secs, cpu, 100 * cpu / secs,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
