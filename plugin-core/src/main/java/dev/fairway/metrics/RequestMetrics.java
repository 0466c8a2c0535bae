package dev.fairway.metrics;

import dev.fairway.pipeline.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request metrics: counters keyed by a small label tuple, histograms by route and provider.
 * Label values arrive already bounded ({@link LabelCap}); recording allocates one small key per
 * series touched and never locks.
 */
public final class RequestMetrics {
    private static final String REQUESTS = "fairway_requests_total";
    private static final String ERRORS = "fairway_errors_total";
    private static final String CACHE_HITS = "fairway_cache_hits_total";
    private static final String TOKENS = "fairway_tokens_total";
    private static final String COST = "fairway_cost_usd_total";
    private static final String DURATION = "fairway_request_duration_seconds";
    private static final String TTFB = "fairway_ttfb_seconds";

    private final Map<Labels, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<Labels, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<Labels, LongAdder> cacheHits = new ConcurrentHashMap<>();
    private final Map<Labels, LongAdder> tokens = new ConcurrentHashMap<>();
    private final Map<Labels, DoubleAdder> cost = new ConcurrentHashMap<>();
    private final Map<Labels, Buckets> duration = new ConcurrentHashMap<>();
    private final Map<Labels, Buckets> ttfb = new ConcurrentHashMap<>();

    Set<String> names() {
        return Set.of(REQUESTS, ERRORS, CACHE_HITS, TOKENS, COST, DURATION, TTFB);
    }

    /**
     * Records one completed exchange.
     *
     * @param errorType null when the exchange succeeded
     * @param usage null when unknown
     * @param costUsd null when unknown
     * @param ttfbNanos -1 when no byte was sent
     */
    public void record(String route, String provider, String model, int status, boolean cached, String errorType,
                       Usage usage, Double costUsd, long durationNanos, long ttfbNanos) {
        requests.computeIfAbsent(new Labels(route, provider, model, Integer.toString(status), Boolean.toString(cached)),
                k -> new LongAdder()).increment();
        if (errorType != null) {
            errors.computeIfAbsent(new Labels(route, provider, errorType), k -> new LongAdder()).increment();
        }
        if (cached) {
            cacheHits.computeIfAbsent(new Labels(route, provider), k -> new LongAdder()).increment();
        }
        if (usage != null) {
            addTokens(route, provider, model, "in", usage.inputTokens());
            addTokens(route, provider, model, "out", usage.outputTokens());
            addTokens(route, provider, model, "cached_in", usage.cachedInputTokens());
        }
        if (costUsd != null && costUsd > 0) {
            cost.computeIfAbsent(new Labels(route, provider, model), k -> new DoubleAdder()).add(costUsd);
        }
        Labels rp = new Labels(route, provider);
        duration.computeIfAbsent(rp, k -> new Buckets()).observe(durationNanos / 1e9);
        if (ttfbNanos >= 0) {
            ttfb.computeIfAbsent(rp, k -> new Buckets()).observe(ttfbNanos / 1e9);
        }
    }

    private void addTokens(String route, String provider, String model, String direction, long n) {
        if (n > 0) {
            tokens.computeIfAbsent(new Labels(route, provider, model, direction), k -> new LongAdder()).add(n);
        }
    }

    void writeTo(PrometheusText text) {
        counters(text, REQUESTS, "Completed requests.", requests, "route", "provider", "model", "status", "cached");
        counters(text, ERRORS, "Requests that did not succeed, by error type.", errors, "route", "provider", "type");
        counters(text, CACHE_HITS, "Requests answered from the gateway's cache.", cacheHits, "route", "provider");
        counters(text, TOKENS, "Tokens reported by providers.", tokens, "route", "provider", "model", "direction");
        text.header(COST, "counter", "Cost of requests whose cost is known, in US dollars.");
        for (Labels l : sorted(cost.keySet())) {
            text.sample(COST, l.named("route", "provider", "model"), cost.get(l).sum());
        }
        histograms(text, DURATION, "Time from request to the end of the response.", duration);
        histograms(text, TTFB, "Time from request to the first response byte.", ttfb);
    }

    private static void counters(PrometheusText text, String name, String help, Map<Labels, LongAdder> series, String... names) {
        text.header(name, "counter", help);
        for (Labels l : sorted(series.keySet())) {
            text.sample(name, l.named(names), series.get(l).sum());
        }
    }

    private static void histograms(PrometheusText text, String name, String help, Map<Labels, Buckets> series) {
        text.header(name, "histogram", help);
        for (Labels l : sorted(series.keySet())) {
            Buckets b = series.get(l);
            long[] cumulative = b.cumulative();
            List<String> base = l.named("route", "provider");
            for (int i = 0; i < cumulative.length; i++) {
                List<String> withLe = new ArrayList<>(base);
                withLe.add("le");
                withLe.add(i < Buckets.SECONDS.length ? PrometheusText.number(Buckets.SECONDS[i]) : "+Inf");
                text.sample(name + "_bucket", withLe, cumulative[i]);
            }
            text.sample(name + "_sum", base, b.sum());
            text.sample(name + "_count", base, cumulative[cumulative.length - 1]);
        }
    }

    private static List<Labels> sorted(Set<Labels> keys) {
        List<Labels> list = new ArrayList<>(keys);
        list.sort(Comparator.naturalOrder());
        return list;
    }

    /** A label tuple; values only, the names come from the metric. */
    private record Labels(List<String> values) implements Comparable<Labels> {
        Labels(String... values) {
            this(List.of(values));
        }

        List<String> named(String... names) {
            List<String> out = new ArrayList<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                out.add(names[i]);
                out.add(values.get(i));
            }
            return out;
        }

        @Override
        public int compareTo(Labels o) {
            for (int i = 0; i < Math.min(values.size(), o.values.size()); i++) {
                int c = values.get(i).compareTo(o.values.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(values.size(), o.values.size());
        }
    }
}
