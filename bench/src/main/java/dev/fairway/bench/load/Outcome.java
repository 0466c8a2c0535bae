package dev.fairway.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One fixed-rate run: what was offered, what came back, and latency from each request's intended
 * send time (so a stalled server is charged for every request it delayed, wrk2-style).
 *
 * @param ttfb time to the first response byte, microseconds
 * @param total time to the last response byte, microseconds
 */
record Outcome(String target, String loadCase, double offeredRate, double seconds, long sent, long ok, long errors,
               Histogram ttfb, Histogram total) {

    double errorShare() {
        return sent == 0 ? 1.0 : (double) errors / sent;
    }

    double achievedRate() {
        return ok / seconds;
    }

    /** Whether this run holds the service level the rate search looks for. */
    boolean keeps(double p99LimitMicros) {
        return sent > 0 && errorShare() <= 0.01 && total.getValueAtPercentile(99) <= p99LimitMicros;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("case", loadCase);
        m.put("offered_rps", offeredRate);
        m.put("achieved_rps", Math.round(achievedRate() * 10) / 10.0);
        m.put("sent", sent);
        m.put("ok", ok);
        m.put("errors", errors);
        put(m, "ttfb", ttfb);
        put(m, "total", total);
        return m;
    }

    private static void put(Map<String, Object> m, String prefix, Histogram h) {
        m.put(prefix + "_p50_us", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(50));
        m.put(prefix + "_p99_us", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99));
        m.put(prefix + "_p999_us", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99.9));
        m.put(prefix + "_max_us", h.getTotalCount() == 0 ? null : h.getMaxValue());
    }
}
