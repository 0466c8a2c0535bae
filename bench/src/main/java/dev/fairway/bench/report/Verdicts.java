package dev.fairway.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/** Issue 11's targets, each with the measured figure and whether it was met (and by how much it was missed). */
final class Verdicts {
    private static final double FEW_KIB = 4096;

    private final List<Jmh.Row> jmh;
    private final Load load;

    Verdicts(List<Jmh.Row> jmh, Load load) {
        this.jmh = jmh;
        this.load = load;
    }

    void write(StringBuilder md) {
        md.append("## Targets (issue 11)\n\n");
        md.append("| target | measured | verdict |\n|---|---|---|\n");
        Jmh.Row miss = Jmh.find(jmh, "DecideBenchmark.miss", null);
        Jmh.Row hit = Jmh.find(jmh, "DecideBenchmark.hit", null);
        Jmh.Row bare = Jmh.find(jmh, "DecideBenchmark.missWithoutCache", null);
        if (miss != null) {
            row(md, "core decision path p50 <= 5 us (2 KiB request, quota + cache lookup)",
                    String.format(Locale.ROOT, "miss %.1f us, hit %.1f us; same route with the cache off %.1f us", miss.p50(),
                            hit == null ? Double.NaN : hit.p50(), bare == null ? Double.NaN : bare.p50()),
                    atMost(miss.p50(), 5, "us"));
            row(md, "a few KiB allocated per request (taken as <= 4 KiB)",
                    "miss " + Report.bytes(miss.allocBytesPerOp()) + ", hit " + (hit == null ? "n/a" : Report.bytes(hit.allocBytesPerOp()))
                            + "; cache off " + (bare == null ? "n/a" : Report.bytes(bare.allocBytesPerOp())),
                    atMost(miss.allocBytesPerOp() / 1024, FEW_KIB / 1024, "KiB"));
        }
        double overhead = diff("fairway", "direct", "miss", Report.lowRate(), "total_p50_us");
        row(md, "standalone overhead over direct, p50 <= 0.2 ms at low load (miss, 100 req/s)",
                ms(overhead), atMost(overhead / 1000, 0.2, "ms"));
        LoadTables tables = new LoadTables(load);
        double f = tables.best("miss", "fairway");
        double p = tables.best("miss", "portkey");
        double ratio = p > 0 ? f / p : Double.NaN;
        row(md, "throughput >= 15x Portkey's (miss, highest rate with p99 < 50 ms)",
                String.format(Locale.ROOT, "%.0f vs %.0f req/s = %.1fx", f, p, ratio),
                Double.isNaN(ratio) ? "n/a" : ratio >= 15 ? "met" : String.format(Locale.ROOT, "missed: %.1fx short of 15x", 15 - ratio));
        JsonNode hitRun = load.fixed("fairway", "hit", Report.fixedRate());
        double hitP99 = Load.micros(hitRun, "total_p99_us");
        row(md, "cache hit p99 < 1 ms at 1,000 req/s", ms(hitP99), atMost(hitP99 / 1000, 1, "ms"));
        double ttfb = diff("fairway", "direct", "stream", Report.lowRate(), "ttfb_p50_us");
        row(md, "streaming adds <= 1 ms to time to first byte (p50, 100 req/s)", ms(ttfb), atMost(ttfb / 1000, 1, "ms"));
        md.append("\n");
    }

    private double diff(String a, String b, String c, double rate, String field) {
        return Load.micros(load.fixed(a, c, rate), field) - Load.micros(load.fixed(b, c, rate), field);
    }

    private static String ms(double micros) {
        return Double.isNaN(micros) ? "n/a" : String.format(Locale.ROOT, "%.2f ms", micros / 1000);
    }

    private static String atMost(double value, double limit, String unit) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value <= limit ? "met" : String.format(Locale.ROOT, "missed by %.2f %s (%.1fx the target)", value - limit, unit, value / limit);
    }

    private static void row(StringBuilder md, String target, String measured, String verdict) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(verdict).append(" |\n");
    }
}
