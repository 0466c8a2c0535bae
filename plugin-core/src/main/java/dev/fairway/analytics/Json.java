package dev.fairway.analytics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The analytics API's JSON shapes, as maps for Jackson. */
final class Json {
    private Json() {}

    static Map<String, Object> summary(Rollup r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", r.requests);
        m.put("cached", r.cached);
        // Semantic hits apart from exact ones: an answer stored for a question of like meaning.
        m.put("cached_exact", r.cached - r.semanticCached);
        m.put("cached_semantic", r.semanticCached);
        m.put("upstream", r.requests - r.cached);
        m.put("errors", r.errors);
        m.put("tokens_in", r.tokensIn);
        m.put("tokens_out", r.tokensOut);
        m.put("tokens_cached_in", r.tokensCachedIn);
        m.put("cost_usd", round(r.costUsd, 1e9));
        m.put("cache_hit_rate", r.requests == 0 ? null : round((double) r.cached / r.requests, 1e6));
        m.put("error_rate", r.requests == 0 ? null : round((double) r.errors / r.requests, 1e6));
        m.put("feedback_up", r.feedbackUp);
        m.put("feedback_down", r.feedbackDown);
        m.put("score_count", r.scoreCount);
        m.put("score_avg", r.scoreCount == 0 ? null : round((double) r.scoreSum / r.scoreCount, 1e3));
        m.put("latency_ms", percentiles(r.latency));
        m.put("ttfb_ms", percentiles(r.ttfb));
        return m;
    }

    /** One point per interval from {@code first} up to {@code to}, zeros where nothing happened. */
    static List<Map<String, Object>> series(Map<Long, Rollup> points, long first, long to, long interval) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (long t = first; t < to; t += interval) {
            Rollup r = points.get(t);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("time", Instant.ofEpochMilli(t).toString());
            p.putAll(summary(r == null ? new Rollup() : r));
            out.add(p);
        }
        return out;
    }

    static Map<String, Object> error(Observation o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("log_id", o.logId());
        m.put("time", Instant.ofEpochMilli(o.epochMillis()).toString());
        m.put("route", o.route());
        m.put("provider", o.provider());
        m.put("model", o.model());
        m.put("status", o.status());
        m.put("error_type", o.errorType());
        return m;
    }

    private static Map<String, Object> percentiles(LatencyHistogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", millis(h.quantile(0.50)));
        m.put("p95", millis(h.quantile(0.95)));
        return m;
    }

    private static Double millis(Double v) {
        return v == null ? null : round(v, 10);
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }
}
