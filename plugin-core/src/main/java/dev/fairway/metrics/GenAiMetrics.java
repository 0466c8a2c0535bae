package dev.fairway.metrics;

import dev.fairway.pipeline.Usage;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Set;

/**
 * The OpenTelemetry GenAI client metrics in Prometheus form: the names and labels an OpenTelemetry
 * Prometheus exporter gives {@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.duration}
 * and {@code gen_ai.server.time_to_first_token} (dots become underscores, the unit {@code s} becomes
 * {@code _seconds}), with the conventions' bucket bounds ({@link GenAiNames}) and a {@code route} label.
 * {@code gen_ai_response_model} is the model the answer named (a dated version of an alias, say), and
 * empty when it named none or nothing was answered, as the conventions leave the attribute unset.
 */
public final class GenAiMetrics {
    static final String TOKENS = "gen_ai_client_token_usage";
    static final String DURATION = "gen_ai_client_operation_duration_seconds";
    static final String FIRST_TOKEN = "gen_ai_server_time_to_first_token_seconds";

    private final Histogram tokens = Histogram.builder().name(TOKENS).help("Number of input and output tokens used.")
            .labelNames("gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model", "gen_ai_token_type",
                    "route")
            .classicUpperBounds(bounds(GenAiNames.TOKEN_BOUNDS)).classicOnly().withoutExemplars().build();
    private final Histogram duration = Histogram.builder().name(DURATION).help("GenAI operation duration.")
            .labelNames("gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model", "error_type",
                    "route")
            .classicUpperBounds(bounds(GenAiNames.DURATION_BOUNDS)).classicOnly().withoutExemplars().build();
    private final Histogram firstToken = Histogram.builder().name(FIRST_TOKEN)
            .help("Time to the first byte of a successful answer not served from the cache.")
            .labelNames("gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model", "route")
            .classicUpperBounds(bounds(GenAiNames.TTFT_BOUNDS)).classicOnly().withoutExemplars().build();

    Set<String> names() {
        return Set.of(TOKENS, DURATION, FIRST_TOKEN);
    }

    void registerIn(PrometheusRegistry registry) {
        registry.register(tokens);
        registry.register(duration);
        registry.register(firstToken);
    }

    /**
     * Records one GenAI operation; every label value is already bounded.
     *
     * @param responseModel the bounded model the answer named, or "" when it named none
     * @param errorType null when it succeeded (the label is then empty, as the conventions leave it unset)
     * @param usage null when the answer reported none
     * @param ttfbNanos -1 when no byte came; recorded only for a success not served from the cache
     */
    public void record(String operation, String provider, String model, String responseModel, String route, String errorType,
                       boolean cached, Usage usage, long durationNanos, long ttfbNanos) {
        if (usage != null) {
            tokens.labelValues(operation, provider, model, responseModel, "input", route).observe(usage.inputTokens());
            tokens.labelValues(operation, provider, model, responseModel, "output", route).observe(usage.outputTokens());
        }
        duration.labelValues(operation, provider, model, responseModel, errorType == null ? "" : errorType, route)
                .observe(durationNanos / 1e9);
        if (errorType == null && !cached && ttfbNanos >= 0) {
            firstToken.labelValues(operation, provider, model, responseModel, route).observe(ttfbNanos / 1e9);
        }
    }

    private static double[] bounds(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
