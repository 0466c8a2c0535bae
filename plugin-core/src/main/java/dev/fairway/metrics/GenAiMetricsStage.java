package dev.fairway.metrics;

import static java.util.Objects.requireNonNull;

import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.plan.PlannedTarget;

/**
 * Records each completed exchange that reached planning into the GenAI client metrics
 * ({@link GenAiMetrics}); a request refused before planning asked no model and is not a GenAI
 * operation. Label values are bounded like the request metrics'.
 */
public final class GenAiMetricsStage implements Stage {
    private final GenAiMetrics metrics;
    private final CompletionLabels labels = new CompletionLabels();

    public GenAiMetricsStage(MetricsRegistry registry) {
        this.metrics = requireNonNull(registry, "registry").requests().genAi();
    }

    @Override
    public String name() {
        return "gen_ai_metrics";
    }

    @Override
    public boolean recordsOnly() {
        return true;
    }

    @Override
    public Step open(Exchange exchange) {
        return CompletionLabels.recorder(exchange, this::record);
    }

    void record(Exchange exchange, Completion c) {
        PlannedTarget answered = exchange.answeredBy(c.step());
        if (answered == null) {
            return;
        }
        metrics.record(GenAiNames.operationName(exchange.method(), answered),
                labels.provider(GenAiNames.providerName(answered.target().provider().slug())),
                labels.model(exchange.model()), labels.responseModel(exchange.metered().report().responseModel()),
                labels.route(exchange), CompletionLabels.error(c, ""), c.cached(), c.usage(), c.durationNanos(), c.ttfbNanos());
    }
}
