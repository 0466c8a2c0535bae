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
 * {@link LogStore#append} (batches of 500 unless a fourth argument says otherwise, as the feeder writes), filtered list latency (limit 50)
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
        boolean stream = args.length > 2 && args[2].equals("stream");
        // The feeder's batch (logs.store.batch_size), 500 unless given.
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        if (args.length > 2 && !stream && !args[2].equals("small")) {
            throw new IllegalArgumentException("shape: " + args[2] + " (expected: small or stream)");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("records=%d shape=%s cores=%d load average=%.2f%n", n, stream ? "stream" : "small",
                Runtime.getRuntime().availableProcessors(),
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
                run(kind, store, n, stream, batchSize, out);
            } finally {
                store.close();
                if (pg != null) {
                    pg.close();
                }
            }
        }
    }

    private static void run(String kind, LogStore store, int n, boolean stream, int batchSize, PrintWriter out) {
        long end = 1_767_225_600_000L + 7 * DAY;
        long start = end - 7 * DAY;
        SplittableRandom rnd = new SplittableRandom(42);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long parseCpu = 0;
        long appendCpu = 0;
        long lineBytes = 0;
        // Per batch too: on a shared machine the median batch says more than the total.
        List<Long> batchParse = new ArrayList<>();
        List<Long> batchAppend = new ArrayList<>();
        long parseAtBatch = 0;
        List<StoredLog> batch = new ArrayList<>(batchSize);
        for (int i = 1; i <= n; i++) {
            long at = start + (long) ((double) i / n * 7 * DAY);
            if (stream) {
                // As the feeder does it: the spool line is parsed into the row (timed apart), then appended.
                byte[] line = streamLine(i, at, rnd);
                lineBytes += line.length;
                long p = threads.getCurrentThreadCpuTime();
                batch.add(((SpoolLines.Request) SpoolLines.parse(line, "bench")).log());
                parseCpu += threads.getCurrentThreadCpuTime() - p;
            } else {
                batch.add(record(i, at, rnd));
            }
            if (batch.size() == batchSize || i == n) {
                long a = threads.getCurrentThreadCpuTime();
                store.append("bench", i, batch);
                long spent = threads.getCurrentThreadCpuTime() - a;
                appendCpu += spent;
                if (batch.size() == batchSize) {
                    batchAppend.add(spent / batchSize);
                    batchParse.add((parseCpu - parseAtBatch) / batchSize);
                }
                parseAtBatch = parseCpu;
                batch.clear();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        // CPU time of the writing thread too: on a shared machine the wall clock mostly says how loaded it was.
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        out.printf("%s ingest: %d records in %.1f s = %.0f records/s; writer thread CPU %.1f s = %.0f records per CPU second"
                + " (load average %.2f)%n", kind, n, secs, n / secs, cpu, n / cpu,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (stream) {
            // Building the synthetic line is in the writer's CPU too; parse and append are what the feeder spends.
            out.printf("%s per stream record (%d bytes a line): parse %.1f us CPU + append %.1f us CPU = %.1f us CPU"
                    + " (writer thread total %.1f us, with making the line)%n", kind, lineBytes / n, parseCpu / 1e3 / n,
                    appendCpu / 1e3 / n, (parseCpu + appendCpu) / 1e3 / n, cpu * 1e6 / n);
            out.printf("%s per stream record, median batch of " + batchSize + " (second half, warmed up): parse %.1f us CPU + append %.1f us CPU%n",
                    kind, median(batchParse) / 1e3, median(batchAppend) / 1e3);
        }
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

    /** The median of the second half (the JIT has compiled the path by then). */
    private static double median(List<Long> values) {
        List<Long> late = new ArrayList<>(values.subList(values.size() / 2, values.size()));
        late.sort(null);
        return late.isEmpty() ? Double.NaN : late.get(late.size() / 2);
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

    /**
     * A spool line shaped like a streamed chat answer of 50 chunks as LogEntry writes it (about
     * 13 KiB): the request body, and the raw server-sent events as the response body.
     */
    static byte[] streamLine(int i, long at, SplittableRandom rnd) {
        String route = ROUTES[rnd.nextInt(ROUTES.length)];
        String provider = PROVIDERS[rnd.nextInt(PROVIDERS.length)];
        String model = "model-" + rnd.nextInt(8);
        int status = rnd.nextInt(100) < 3 ? 500 : 200;
        double duration = 50 + rnd.nextDouble() * 3000;
        StringBuilder sse = new StringBuilder();
        for (int c = 0; c < 50; c++) {
            sse.append("data: {\\\"id\\\":\\\"chatcmpl-").append(i).append("\\\",\\\"object\\\":\\\"chat.completion.chunk\\\",")
                    .append("\\\"created\\\":").append(at / 1000).append(",\\\"model\\\":\\\"").append(model)
                    .append("\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"content\\\":\\\"token")
                    .append(rnd.nextInt(100_000)).append(" \\\"},\\\"finish_reason\\\":null}]}\\n\\n");
        }
        sse.append("data: [DONE]\\n\\n");
        StringBuilder messages = new StringBuilder();
        for (int m = 0; m < 6; m++) {
            messages.append(m == 0 ? "" : ",").append("{\\\"role\\\":\\\"").append(m % 2 == 0 ? "user" : "assistant")
                    .append("\\\",\\\"content\\\":\\\"Summarise the quarterly report of team ").append(rnd.nextInt(1000))
                    .append(" in three bullet points, with the revenue, the costs and the outlook for the next quarter.\\\"}");
        }
        String meta = "{\"user\":\"u" + rnd.nextInt(1000) + "\",\"team\":\"t" + rnd.nextInt(20) + "\"}";
        String line = "{\"seq\":" + i + ",\"prev_hash\":\"" + "0".repeat(64) + "\",\"prev_id\":\"log-" + (i - 1)
                + "\",\"log_id\":\"log-" + i + "\",\"event_id\":\"ev-" + i + "\",\"created_at\":\""
                + java.time.Instant.ofEpochMilli(at) + "\",\"duration_ms\":" + duration + ",\"ttfb_ms\":" + (duration / 3)
                + ",\"route\":\"" + route + "\",\"provider\":\"" + provider + "\",\"model\":\"" + model
                + "\",\"method\":\"POST\",\"path\":\"/openai/v1/chat/completions\",\"status\":" + status
                + ",\"success\":" + (status == 200) + ",\"cached\":false,\"step\":0,\"attempts\":1,\"error_type\":"
                + (status == 200 ? "null" : "\"http_500\"") + ",\"tokens_in\":120,\"tokens_out\":50,\"tokens_cached\":0,"
                + "\"cost_usd\":" + (status == 200 ? rnd.nextDouble() * 0.02 : "null") + ",\"custom_cost\":false,\"metadata\":"
                + meta + ",\"request_bytes\":1400,\"response_bytes\":11000,\"truncated\":false,\"client_hash\":\""
                + "ab".repeat(32) + "\",\"request_headers\":{\"content-type\":\"application/json\",\"user-agent\":\"bench/1.0\","
                + "\"authorization\":\"[redacted]\"},\"request_body\":\"{\\\"model\\\":\\\"" + model
                + "\\\",\\\"stream\\\":true,\\\"messages\\\":[" + messages + "]}\",\"response_body\":\"" + sse
                + "\",\"payload_truncated\":false}";
        return line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
