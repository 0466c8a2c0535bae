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
    private static final int MAX_ROUTES = 1_000;
    private static final int MAX_PROVIDERS = 200;
    private static final int MAX_MODELS = 1_000;

    private final GenAiMetrics metrics;
    private final LabelCap routes = new LabelCap(MAX_ROUTES);
    private final LabelCap providers = new LabelCap(MAX_PROVIDERS);
    private final LabelCap models = new LabelCap(MAX_MODELS);

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
        return new Step() {
            @Override
            public void afterCompletion(Completion completion) {
                record(exchange, completion);
            }
        };
    }

    void record(Exchange exchange, Completion c) {
        PlannedTarget answered = exchange.answeredBy(c.step());
        if (answered == null) {
            return;
        }
        String error = c.success() ? null : c.errorType() != null ? c.errorType() : c.truncated() ? "truncated" : Integer.toString(c.status());
        metrics.record(GenAiNames.operationName(exchange.method(), answered),
                providers.apply(GenAiNames.providerName(answered.target().provider().slug())),
                models.apply(exchange.model()), routes.apply(exchange.route().name()), error, c.cached(), c.usage(),
                c.durationNanos(), c.ttfbNanos());
    }
}
