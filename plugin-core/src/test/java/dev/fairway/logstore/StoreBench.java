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
 * A third argument picks the records' shape: {@code small} (rows built directly, the default),
 * {@code stream} (a synthetic 50-chunk streamed answer's spool line), {@code plain} or {@code floorstream}
 * (the spool lines of the floor benchmark's plain and streamed requests, from bench/floor; run from the
 * repository's root). Every shape but {@code small} is parsed as the feeder does and reports parse and
 * append CPU per record; on SQLite every shape reports the bytes stored per record.
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
        String shape = args.length > 2 ? args[2] : "small";
        // The feeder's batch (logs.store.batch_size), 500 unless given.
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        LineShape lines = switch (shape) {
            case "small" -> null;
            case "stream" -> StoreBench::streamLine;
            case "plain" -> floorShape("request.json", "chat-completion.json", false);
            case "floorstream" -> floorShape("request-stream.json", "chat-stream.sse", true);
            default -> throw new IllegalArgumentException("shape: " + shape
                    + " (expected: small, stream, plain or floorstream)");
        };
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("records=%d shape=%s cores=%d load average=%.2f%n", n, shape,
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
                run(kind, store, n, shape, lines, batchSize, out);
            } finally {
                store.close();
                if (pg != null) {
                    pg.close();
                }
            }
            if (kind.equals("sqlite")) {
                storedSize(dir.resolve("logs.db"), n, shape, out);
            }
        }
    }

    private static void run(String kind, LogStore store, int n, String shape, LineShape lines, int batchSize,
            PrintWriter out) {
        boolean parsed = lines != null;
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
            if (parsed) {
                // As the feeder does it: the spool line is parsed into the row (timed apart), then appended.
                byte[] line = lines.line(i, at, rnd);
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
        if (parsed) {
            // Building the synthetic line is in the writer's CPU too; parse and append are what the feeder spends.
            out.printf("%s per %s record (%d bytes a line): parse %.1f us CPU + append %.1f us CPU = %.1f us CPU"
                    + " (writer thread total %.1f us, with making the line)%n", kind, shape, lineBytes / n, parseCpu / 1e3 / n,
                    appendCpu / 1e3 / n, (parseCpu + appendCpu) / 1e3 / n, cpu * 1e6 / n);
            out.printf("%s per %s record, median batch of " + batchSize + " (second half, warmed up): parse %.1f us CPU + append %.1f us CPU%n",
                    kind, shape, median(batchParse) / 1e3, median(batchAppend) / 1e3);
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

    /**
     * What the store takes per record on disk once closed (the last connection's close checkpoints the
     * write-ahead log into the database; a WAL left over is counted too), and the stored lines alone
     * ({@code fairway_log_records.record}, as the codec wrote them).
     */
    private static void storedSize(Path db, int n, String shape, PrintWriter out) throws Exception {
        long file = Files.size(db);
        Path walPath = db.resolveSibling(db.getFileName() + "-wal");
        long wal = Files.exists(walPath) ? Files.size(walPath) : 0;
        long records;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(length(CAST(record AS BLOB))), 0) FROM fairway_log_records")) {
            rs.next();
            records = rs.getLong(1);
        }
        out.printf("sqlite stored per %s record: database %d + WAL %d = %d bytes; the line alone %d bytes%n", shape,
                file / n, wal / n, (file + wal) / n, records / n);
    }

    /** Makes the spool line of record {@code i}. */
    @FunctionalInterface
    interface LineShape {
        byte[] line(int i, long at, SplittableRandom rnd);
    }

    /**
     * Lines as LogEntry writes them for the floor benchmark's requests (bench/floor: the request body
     * and the mock provider's answer, or its 53 server-sent events for a stream), read from the working
     * directory's bench/floor, so run from the repository's root.
     */
    private static LineShape floorShape(String requestFile, String responseFile, boolean stream) throws java.io.IOException {
        Path floor = Path.of("bench", "floor");
        String request = Files.readString(floor.resolve(requestFile));
        String response = Files.readString(floor.resolve(responseFile));
        return (i, at, rnd) -> floorLine(i, at, rnd, request, response, stream);
    }

    static byte[] floorLine(int i, long at, SplittableRandom rnd, String request, String response, boolean stream) {
        String route = ROUTES[rnd.nextInt(ROUTES.length)];
        int status = rnd.nextInt(100) < 3 ? 500 : 200;
        double duration = 50 + rnd.nextDouble() * 3000;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("seq", i);
            g.writeStringField("prev_hash", hex(rnd, 32));
            g.writeStringField("prev_id", "01J" + hex(rnd, 12).toUpperCase(java.util.Locale.ROOT));
            g.writeStringField("log_id", "log-" + i);
            g.writeStringField("event_id", "ev-" + hex(rnd, 8));
            g.writeStringField("created_at", java.time.Instant.ofEpochMilli(at).toString());
            g.writeNumberField("duration_ms", duration);
            g.writeNumberField("ttfb_ms", duration / 3);
            g.writeStringField("route", route);
            g.writeStringField("provider", "openai");
            g.writeStringField("model", "gpt-4o-mini");
            g.writeStringField("method", "POST");
            g.writeStringField("path", "/openai/v1/chat/completions");
            g.writeNumberField("status", status);
            g.writeBooleanField("success", status == 200);
            g.writeBooleanField("cached", false);
            g.writeNumberField("step", 0);
            g.writeNumberField("attempts", 1);
            g.writeStringField("error_type", status == 200 ? null : "http_500");
            g.writeNumberField("tokens_in", 180);
            g.writeNumberField("tokens_out", stream ? 52 : 149);
            g.writeNumberField("tokens_cached", 0);
            g.writeNumberField("cost_usd", rnd.nextDouble() * 0.001);
            g.writeBooleanField("custom_cost", false);
            g.writeObjectFieldStart("metadata");
            g.writeStringField("user", "u" + rnd.nextInt(1000));
            g.writeEndObject();
            g.writeNumberField("request_bytes", request.length());
            g.writeNumberField("response_bytes", response.length());
            g.writeBooleanField("truncated", false);
            g.writeStringField("client_hash", hex(rnd, 32));
            g.writeObjectFieldStart("request_headers");
            g.writeStringField("host", "127.0.0.1:8080");
            g.writeStringField("user-agent", "wrk");
            g.writeStringField("content-type", "application/json");
            g.writeStringField("authorization", "[redacted]");
            g.writeStringField("content-length", String.valueOf(request.length()));
            g.writeEndObject();
            g.writeStringField("request_body", request);
            g.writeStringField("response_body", response);
            g.writeBooleanField("payload_truncated", false);
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String hex(SplittableRandom rnd, int bytes) {
        StringBuilder s = new StringBuilder(bytes * 2);
        for (int b = 0; b < bytes; b++) {
            s.append(Character.forDigit(rnd.nextInt(16), 16)).append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return s.toString();
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
                cached, cached && rnd.nextInt(3) == 0, status == 200 ? null : "http_500", 120L, 80L, 0L, cost, meta, null, null,
                record.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
