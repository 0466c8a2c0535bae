package dev.fairway;

import dev.fairway.analytics.AnalyticsStage;
import dev.fairway.cache.CacheStage;
import dev.fairway.config.GatewayConfig;
import dev.fairway.cost.PriceTable;
import dev.fairway.guardrail.GuardrailStage;
import dev.fairway.log.LogStage;
import dev.fairway.metrics.GenAiMetricsStage;
import dev.fairway.pipeline.Stage;
import dev.fairway.quota.QuotaStage;
import dev.fairway.trace.TracingStage;
import dev.fairway.usage.UsageMetering;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard stages, in the order a request meets them (docs/architecture.md, "One request"): guardrails,
 * quotas, cache, usage metering (reads the upstream answer of whoever relays it), then analytics and
 * logs (which only record completions). Authentication and policy
 * come before any stage: the gateway authenticates, then plans every target under the route's policy. Each feature
 * adds its one line here; the order is the contract (hits still count as requests because quotas
 * come before the cache).
 */
final class Stages {
    private Stages() {}

    static List<Stage> standard(GatewayConfig config) {
        return standard(config, java.time.Duration.ZERO);
    }

    /** With {@code spoolLockWait}, a predecessor may still hold the log spool (see {@link LogStage#start(dev.fairway.config.LogsSettings, java.time.Duration)}). */
    static List<Stage> standard(GatewayConfig config, java.time.Duration spoolLockWait) {
        List<Stage> stages = new ArrayList<>();
        stages.add(new GuardrailStage());
        stages.add(QuotaStage.forConfig(config));
        stages.add(CacheStage.create(config));
        stages.add(new dev.fairway.flow.FlowStage());
        stages.add(new UsageMetering(PriceTable.of(config.pricing())));
        // Tracing only when on (null otherwise: nothing per request); first recorder, so its root span opens first.
        TracingStage tracing = TracingStage.forConfig(config);
        if (tracing != null) {
            stages.add(tracing);
        }
        AnalyticsStage analytics = AnalyticsStage.create();
        stages.add(new GenAiMetricsStage(analytics.metrics()));
        stages.add(analytics);
        // Keep last: its record shows what every stage before it did.
        LogStage logs = LogStage.start(config.logs(), spoolLockWait);
        stages.add(logs);
        dev.fairway.logstore.LogStoreStage store = dev.fairway.logstore.LogStoreStage.start(config, logs);
        if (store != null) {
            stages.add(store);
        }
        return stages;
    }
}
