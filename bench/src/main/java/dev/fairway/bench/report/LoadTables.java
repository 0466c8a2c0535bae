package dev.fairway.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The load section: fixed-rate latencies, overhead over direct, and the highest sustainable rates. */
final class LoadTables {
    private final Load load;

    LoadTables(Load load) {
        this.load = load;
    }

    void write(StringBuilder md) {
        md.append("## Load: direct to the mock, Fairway standalone, Portkey\n\n");
        md.append("Open-loop generator (`dev.fairway.bench.load.LoadGen`, Vert.x client on loopback): requests leave on a "
                + "fixed schedule whatever the answers do, and latency counts from each request's intended send time "
                + "(wrk2-style correction for coordinated omission), recorded in HdrHistogram. Requests are 2 KiB "
                + "chat completions; `miss` and `stream` send a new prompt every time, `hit` the same one (a cache "
                + "hit on Fairway after the first; **Portkey's npm build has no cache**, so there it is one more "
                + "forwarded request). Streams carry 50 content chunks. Times in milliseconds.\n\n");
        md.append("### Latency at fixed offered rates\n\n");
        md.append("| case | offered req/s | target | p50 | p99 | p99.9 | first byte p50 | first byte p99 | errors | achieved req/s |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String c : Report.cases()) {
            for (double rate : new double[] {Report.lowRate(), Report.fixedRate()}) {
                for (String t : Report.targets()) {
                    JsonNode r = load.fixed(t, c, rate);
                    if (r == null) {
                        continue;
                    }
                    md.append("| ").append(c).append(" | ").append((long) rate).append(" | ").append(t).append(" | ")
                            .append(Report.ms(Load.micros(r, "total_p50_us"))).append(" | ")
                            .append(Report.ms(Load.micros(r, "total_p99_us"))).append(" | ")
                            .append(Report.ms(Load.micros(r, "total_p999_us"))).append(" | ")
                            .append(Report.ms(Load.micros(r, "ttfb_p50_us"))).append(" | ")
                            .append(Report.ms(Load.micros(r, "ttfb_p99_us"))).append(" | ")
                            .append(r.path("errors").asLong()).append(" / ").append(r.path("sent").asLong()).append(" | ")
                            .append(String.format(Locale.ROOT, "%.0f", r.path("achieved_rps").asDouble())).append(" |\n");
                }
            }
        }
        md.append("\n### Gateway minus direct\n\n");
        md.append("What each gateway adds over calling the mock directly at the same offered rate (p50 / p99 of total "
                + "time; for streams also the first byte). Negative values are noise.\n\n");
        md.append("| case | offered req/s | Fairway p50 | Fairway p99 | Portkey p50 | Portkey p99 | Fairway first byte p50 | Portkey first byte p50 |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (String c : Report.cases()) {
            for (double rate : new double[] {Report.lowRate(), Report.fixedRate()}) {
                JsonNode d = load.fixed("direct", c, rate);
                JsonNode f = load.fixed("fairway", c, rate);
                JsonNode p = load.fixed("portkey", c, rate);
                md.append("| ").append(c).append(" | ").append((long) rate).append(" | ")
                        .append(diff(f, d, "total_p50_us")).append(" | ").append(diff(f, d, "total_p99_us")).append(" | ")
                        .append(diff(p, d, "total_p50_us")).append(" | ").append(diff(p, d, "total_p99_us")).append(" | ")
                        .append(diff(f, d, "ttfb_p50_us")).append(" | ").append(diff(p, d, "ttfb_p50_us")).append(" |\n");
            }
        }
        md.append("\n### Highest offered rate with p99 under 50 ms\n\n");
        md.append("Rates double from 100 req/s until a step fails (p99 of total time over 50 ms or more than 1 % errors), "
                + "then the gap is halved to within 10 %; each step is a few seconds (see the commands), bounded in steps "
                + "and time. The generator shares the CPUs with the server, so for the fastest targets the figure is a "
                + "floor.\n\n");
        md.append("| case | direct | Fairway | Portkey | Fairway / Portkey |\n");
        md.append("|---|---|---|---|---|\n");
        for (String c : Report.cases()) {
            double f = best(c, "fairway");
            double p = best(c, "portkey");
            md.append("| ").append(c).append(" | ").append(rate(c, "direct")).append(" | ").append(rate(c, "fairway"))
                    .append(" | ").append(rate(c, "portkey")).append(" | ")
                    .append(p > 0 && f >= 0 ? String.format(Locale.ROOT, "%.1fx", f / p) : p == 0 && f > 0 ? "Portkey kept no step" : "n/a")
                    .append(" |\n");
        }
        md.append("\n");
    }

    double best(String c, String t) {
        JsonNode m = load.max(t, c);
        return m == null ? Double.NaN : m.path("best_rps").asDouble();
    }

    private String rate(String c, String t) {
        JsonNode m = load.max(t, c);
        if (m == null) {
            return "n/a";
        }
        double best = m.path("best_rps").asDouble();
        String s = best == 0 ? "< 100" : String.format(Locale.ROOT, "%.0f", best);
        return m.path("ceiling_reached").asBoolean() ? ">= " + s + " (ceiling)" : s;
    }

    private static String diff(JsonNode a, JsonNode b, String field) {
        double x = Load.micros(a, field);
        double y = Load.micros(b, field);
        return Double.isNaN(x) || Double.isNaN(y) ? "n/a" : String.format(Locale.ROOT, "%+.2f", (x - y) / 1000);
    }
}
