package dev.fairway.logstore;

import dev.fairway.analytics.LatencyHistogram;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The embedded store comparison of docs/architecture.md ("Log store"): ingest rate through
 * {@link LogStore#append} (batches of 500, as the feeder writes), filtered list latency (limit 50)
 * and 7-day analytics latency over N records spread over 7 days. Not a test: run it on a quiet
 * machine (the figures in the docs say how loaded theirs was).
 *
 * <pre>
 * ./mvnw -q -B -o -pl plugin-core -am test-compile -DskipTests
 * java -cp "plugin-core/target/test-classes:plugin-core/target/classes:$(cat plugin-core/target/bench.cp)" \
 *     dev.fairway.logstore.StoreBench 1000000 sqlite    (then, not at the same time: ... 1000000 postgres)
 * </pre>
 * ({@code bench.cp}: {@code ./mvnw -q -B -o -pl plugin-core -am test-compile dependency:build-classpath -DskipTests
 * -Dmdep.outputFile=target/bench.cp}.) DuckDB was measured once and refused (docs/architecture.md).
 */
public final class StoreBench {
    private static final long DAY = 86_400_000L;
    private static final String[] ROUTES = {"chat", "support", "search", "agents", "batch"};
    private static final String[] PROVIDERS = {"openai", "anthropic", "google", "mistral"};

    private StoreBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<String> kinds = Arrays.asList((args.length > 1 ? args[1] : "sqlite").split(","));
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("records=%d cores=%d load average=%.2f%n", n, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (String kind : kinds) {
            Path dir = Files.createTempDirectory("fairway-store-bench");
            PostgresFixture pg = null;
            LogStore store;
            switch (kind) {
                case "sqlite" -> store = LogStores.sqlite(dir.resolve("logs.db"), 4);
                case "postgres" -> {
                    pg = PostgresFixture.start();
                    store = LogStores.postgres(pg.url(), pg.user(), null, 4);
                }
                default -> throw new IllegalArgumentException("store: " + kind + " (expected: sqlite or postgres)");
            }
            try {
                run(kind, store, n, out);
            } finally {
                store.close();
                if (pg != null) {
                    pg.close();
                }
            }
        }
    }

    private static void run(String kind, LogStore store, int n, PrintWriter out) {
        long end = 1_767_225_600_000L + 7 * DAY;
        long start = end - 7 * DAY;
        SplittableRandom rnd = new SplittableRandom(42);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        List<StoredLog> batch = new ArrayList<>(500);
        for (int i = 1; i <= n; i++) {
            batch.add(record(i, start + (long) ((double) i / n * 7 * DAY), rnd));
            if (batch.size() == 500 || i == n) {
                store.append("bench", i, batch);
                batch.clear();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        // CPU time of the writing thread too: on a shared machine the wall clock mostly says how loaded it was.
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        out.printf("%s ingest: %d records in %.1f s = %.0f records/s; writer thread CPU %.1f s = %.0f records per CPU second"
                + " (load average %.2f)%n", kind, n, secs, n / secs, cpu, n / cpu,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<Supplier<Object>> lists = List.of(
                () -> store.list(LogFilter.route("support").withTimeRange(end - DAY, end), LogStore.Sort.TIME, false, null, 50),
                () -> store.list(new LogFilter(null, null, null, "anthropic", "model-3", null, null, null, null, null, null, null, null, null), LogStore.Sort.TIME, false, null, 50),
                () -> store.list(new LogFilter(null, null, null, null, null, 500, null, null, null, null, null, null, null, null), LogStore.Sort.TIME, false, null, 50),
                () -> store.list(new LogFilter(end - 2 * DAY, end, null, null, null, null, null, null, "user", "u17", null, null, null, null), LogStore.Sort.TIME, false, null, 50),
                () -> store.list(new LogFilter(end - DAY, end, "chat", null, null, null, null, null, null, null, null, null, 0.01, null), LogStore.Sort.COST, false, null, 50),
                () -> store.list(new LogFilter(end - DAY, end, null, null, null, null, false, null, null, null, null, null, null, 2000.0), LogStore.Sort.DURATION, false, null, 50),
                () -> store.get("log-" + (n / 2)));
        out.printf("%s filtered list (limit 50, 7 filter shapes): %s%n", kind, percentiles(lists, 140));
        List<Supplier<Object>> aggregates = List.of(
                () -> store.aggregate(LogFilter.ALL.withTimeRange(end - 7 * DAY, end), 3_600_000L, null),
                () -> store.aggregate(LogFilter.ALL.withTimeRange(end - 7 * DAY, end), 3_600_000L, "route"),
                () -> store.aggregate(LogFilter.route("chat").withTimeRange(end - 7 * DAY, end), 3_600_000L, "model"));
        out.printf("%s analytics over 7 days (hourly, by none/route/model): %s%n", kind, percentiles(aggregates, 15));
    }

    private static String percentiles(List<Supplier<Object>> queries, int runs) {
        for (Supplier<Object> q : queries) {
            q.get(); // warm-up
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            long c = threads.getCurrentThreadCpuTime();
            queries.get(i % queries.size()).get();
            ms[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        // The calling thread's CPU time too (all of SQLite's work, the client side only of PostgreSQL's).
        return String.format("p50 %.1f ms, p95 %.1f ms, max %.1f ms (%d queries); caller CPU p50 %.1f ms, p95 %.1f ms",
                ms[runs / 2], ms[(int) Math.ceil(runs * 0.95) - 1], ms[runs - 1], runs, cpu[runs / 2],
                cpu[(int) Math.ceil(runs * 0.95) - 1]);
    }

    private static StoredLog record(int i, long at, SplittableRandom rnd) {
        String route = ROUTES[rnd.nextInt(ROUTES.length)];
        String provider = PROVIDERS[rnd.nextInt(PROVIDERS.length)];
        String model = "model-" + rnd.nextInt(8);
        int status = rnd.nextInt(100) < 3 ? 500 : 200;
        double duration = 50 + rnd.nextDouble() * 3000;
        Double cost = status == 200 ? rnd.nextDouble() * 0.02 : null;
        boolean cached = rnd.nextInt(10) == 0;
        String meta = "{\"user\":\"u" + rnd.nextInt(1000) + "\",\"team\":\"t" + rnd.nextInt(20) + "\"}";
        String id = "log-" + i;
        String record = "{\"seq\":" + i + ",\"prev_hash\":\"" + "0".repeat(64) + "\",\"log_id\":\"" + id
                + "\",\"route\":\"" + route + "\",\"provider\":\"" + provider + "\",\"model\":\"" + model
                + "\",\"status\":" + status + ",\"metadata\":" + meta
                + ",\"request_headers\":{\"content-type\":\"application/json\",\"user-agent\":\"bench/1.0\"},"
                + "\"request_body\":\"{\\\"model\\\":\\\"" + model + "\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"Summarise the quarterly report in three bullet points.\\\"}]}\","
                + "\"response_body\":\"{\\\"choices\\\":[{\\\"message\\\":{\\\"content\\\":\\\"- Revenue grew\\\\n- Costs fell\\\\n- Outlook stable\\\"}}]}\"}";
        return new StoredLog(id, "ev-" + i, "bench", i, at, duration, duration / 3, LatencyHistogram.bucketOf(duration),
                LatencyHistogram.bucketOf(duration / 3), route, provider, model, status, status == 200,
                cached, cached && rnd.nextInt(3) == 0, status == 200 ? null : "http_500", 120L, 80L, 0L, cost, meta, null, null, record);
    }
}
