package dev.fairway.trace;

import dev.fairway.metrics.GenAiNames;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Usage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;

/**
 * The GenAI client metrics over OTLP, under the conventions' own names and bucket advice
 * ({@code tracing.export_metrics}); Prometheus gets the same from {@link dev.fairway.metrics.GenAiMetrics}.
 */
final class GenAiOtelMetrics {
    private final LongHistogram tokens;
    private final DoubleHistogram duration;
    private final DoubleHistogram firstToken;

    GenAiOtelMetrics(Meter meter) {
        this.tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Number of input and output tokens used.")
                .setExplicitBucketBoundariesAdvice(GenAiNames.TOKEN_BOUNDS.stream().map(Double::longValue).toList()).build();
        this.duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("GenAI operation duration.").setExplicitBucketBoundariesAdvice(GenAiNames.DURATION_BOUNDS).build();
        this.firstToken = meter.histogramBuilder("gen_ai.server.time_to_first_token").setUnit("s")
                .setDescription("Time to the first byte of a successful answer.").setExplicitBucketBoundariesAdvice(GenAiNames.TTFT_BOUNDS).build();
    }

    /** @param responseModel the model the answer named (the conventions' {@code gen_ai.response.model}), or null */
    void record(String operation, String provider, String model, String responseModel, String server, String error, Usage usage,
                Completion c) {
        AttributesBuilder b = Attributes.builder().put(GenAi.OPERATION_NAME, operation).put(GenAi.PROVIDER_NAME, provider)
                .put(GenAi.SERVER_ADDRESS, server);
        if (model != null) {
            b.put(GenAi.REQUEST_MODEL, model);
        }
        if (responseModel != null) {
            b.put(GenAi.RESPONSE_MODEL, responseModel);
        }
        Attributes base = b.build();
        if (usage != null) {
            tokens.record(usage.inputTokens(), base.toBuilder().put(GenAi.TOKEN_TYPE, "input").build());
            tokens.record(usage.outputTokens(), base.toBuilder().put(GenAi.TOKEN_TYPE, "output").build());
        }
        duration.record(c.durationNanos() / 1e9, error == null ? base : base.toBuilder().put(GenAi.ERROR_TYPE, error).build());
        if (error == null && !c.cached() && c.ttfbNanos() >= 0) {
            firstToken.record(c.ttfbNanos() / 1e9, base);
        }
    }
}
