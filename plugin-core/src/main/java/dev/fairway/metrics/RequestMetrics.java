package dev.fairway.metrics;

import dev.fairway.pipeline.Usage;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Set;

/**
 * The request metrics, on the official Prometheus client: counters keyed by a small label tuple,
 * histograms by route and provider. Label values arrive already bounded ({@link LabelCap}).
 * Names and labels are those the hand-written exposition had (docs/architecture.md, "Metrics").
 */
public final class RequestMetrics {
    private static final String REQUESTS = "fairway_requests_total";
    private static final String ERRORS = "fairway_errors_total";
    private static final String CACHE_HITS = "fairway_cache_hits_total";
    private static final String TOKENS = "fairway_tokens_total";
    private static final String COST = "fairway_cost_usd_total";
    private static final String DURATION = "fairway_request_duration_seconds";
    private static final String TTFB = "fairway_ttfb_seconds";
    /** Bounds suited to LLM calls: tens of milliseconds for cache hits up to minutes for long generations. */
    static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final Counter requests = Counter.builder().name(REQUESTS).help("Completed requests.")
            .labelNames("route", "provider", "model", "status", "cached").withoutExemplars().build();
    private final Counter errors = Counter.builder().name(ERRORS).help("Requests that did not succeed, by error type.")
            .labelNames("route", "provider", "type").withoutExemplars().build();
    private final Counter cacheHits = Counter.builder().name(CACHE_HITS).help("Requests answered from the gateway's cache.")
            .labelNames("route", "provider").withoutExemplars().build();
    private final Counter tokens = Counter.builder().name(TOKENS).help("Tokens reported by providers.")
            .labelNames("route", "provider", "model", "direction").withoutExemplars().build();
    private final Counter cost = Counter.builder().name(COST).help("Cost of requests whose cost is known, in US dollars.")
            .labelNames("route", "provider", "model").withoutExemplars().build();
    private final Histogram duration = Histogram.builder().name(DURATION).help("Time from request to the end of the response.")
            .labelNames("route", "provider").classicUpperBounds(SECONDS).classicOnly().withoutExemplars().build();
    private final Histogram ttfb = Histogram.builder().name(TTFB).help("Time from request to the first response byte.")
            .labelNames("route", "provider").classicUpperBounds(SECONDS).classicOnly().withoutExemplars().build();
    private final GenAiMetrics genAi = new GenAiMetrics();

    Set<String> names() {
        return Set.of(REQUESTS, ERRORS, CACHE_HITS, TOKENS, COST, DURATION, TTFB);
    }

    /** Every family this registers, GenAI included: published names may not reuse them. */
    Set<String> allNames() {
        return union(names(), genAi.names());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    void registerIn(PrometheusRegistry registry) {
        for (var m : List.of(requests, errors, cacheHits, tokens, cost, duration, ttfb)) {
            registry.register(m);
        }
        genAi.registerIn(registry);
    }

    /** The GenAI client metrics (conventions' names in Prometheus form), recorded by {@link GenAiMetricsStage}. */
    public GenAiMetrics genAi() {
        return genAi;
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
        requests.labelValues(route, provider, model, Integer.toString(status), Boolean.toString(cached)).inc();
        if (errorType != null) {
            errors.labelValues(route, provider, errorType).inc();
        }
        if (cached) {
            cacheHits.labelValues(route, provider).inc();
        }
        if (usage != null) {
            addTokens(route, provider, model, "in", usage.inputTokens());
            addTokens(route, provider, model, "out", usage.outputTokens());
            addTokens(route, provider, model, "cached_in", usage.cachedInputTokens());
        }
        if (costUsd != null && costUsd > 0) {
            cost.labelValues(route, provider, model).inc(costUsd);
        }
        duration.labelValues(route, provider).observe(durationNanos / 1e9);
        if (ttfbNanos >= 0) {
            ttfb.labelValues(route, provider).observe(ttfbNanos / 1e9);
        }
    }

    private void addTokens(String route, String provider, String model, String direction, long n) {
        if (n > 0) {
            tokens.labelValues(route, provider, model, direction).inc(n);
        }
    }
}
