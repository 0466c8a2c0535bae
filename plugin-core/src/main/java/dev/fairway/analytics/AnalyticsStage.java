package dev.fairway.analytics;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.metrics.CompletionLabels;
import dev.fairway.metrics.LabelCap;
import dev.fairway.metrics.MetricsRegistry;
import dev.fairway.metrics.RequestMetrics;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Usage;
import dev.fairway.plan.Choices;
import dev.fairway.plan.PlannedTarget;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records every completed exchange into the Prometheus metrics and the analytics store. Runs last
 * and only at completion; it never answers and never blocks.
 *
 * <p>Label values are bounded before anything is recorded: at most {@value #MAX_ROUTES} routes,
 * {@value #MAX_PROVIDERS} providers, {@value #MAX_MODELS} models and {@value #MAX_METADATA_PAIRS}
 * metadata key/value pairs are told apart; later new values count as {@code other} (a pair over the
 * cap is kept as {@code other=other}, so its key adds nothing either). Every value is cut to
 * {@value LabelCap#MAX_LENGTH} characters, metadata keys to {@value #MAX_METADATA_KEY} and metadata
 * values to {@value #MAX_METADATA_VALUE}.
 */
public final class AnalyticsStage implements Stage {
    static final int MAX_ROUTES = CompletionLabels.MAX_ROUTES;
    static final int MAX_PROVIDERS = CompletionLabels.MAX_PROVIDERS;
    static final int MAX_MODELS = CompletionLabels.MAX_MODELS;
    static final int MAX_METADATA_PAIRS = 1_000;
    static final int MAX_METADATA_VALUE = 200;
    static final int MAX_METADATA_KEY = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricsRegistry metrics = new MetricsRegistry(new RequestMetrics());
    private final AnalyticsStore store;
    private final CompletionLabels labels = new CompletionLabels();
    private final LabelCap metadataPairs = new LabelCap(MAX_METADATA_PAIRS, MAX_METADATA_KEY + 1 + MAX_METADATA_VALUE);

    AnalyticsStage(AnalyticsStore store) {
        this.store = requireNonNull(store, "store");
    }

    /** A stage on the system clock with the default bounds. */
    public static AnalyticsStage create() {
        return withClock(Clock.systemUTC());
    }

    /** A stage whose retention and default query range follow {@code clock}. */
    public static AnalyticsStage withClock(Clock clock) {
        return new AnalyticsStage(new AnalyticsStore(clock, AnalyticsStore.DEFAULT_MAX_ROLLUPS, AnalyticsStore.DEFAULT_ERRORS));
    }

    @Override
    public String name() {
        return "analytics";
    }

    @Override
    public boolean recordsOnly() {
        return true;
    }

    @Override
    public Step open(Exchange exchange) {
        return CompletionLabels.recorder(exchange, this::record);
    }

    /** The process's Prometheus metrics; other components publish theirs here. */
    public MetricsRegistry metrics() {
        return metrics;
    }

    /**
     * The analytics API's answer to {@code params} as JSON.
     *
     * @throws dev.fairway.error.GatewayError {@code invalid_request} naming the bad parameter
     */
    public byte[] query(Map<String, List<String>> params) {
        Map<String, Object> answer = store.query(AnalyticsQuery.parse(params, store.now()));
        try {
            return JSON.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("analytics answer not serialisable", e);
        }
    }

    /**
     * As {@link #query(Map)}, computed from the log store (every node's records, across restarts);
     * the default range ends at the store's clock, this process's.
     */
    public byte[] query(Map<String, List<String>> params, dev.fairway.logstore.LogStore logStore) {
        Map<String, Object> answer = StoreAnalytics.query(logStore, AnalyticsQuery.parse(params, store.now()));
        try {
            return JSON.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("analytics answer not serialisable", e);
        }
    }

    void record(Exchange exchange, Completion c) {
        // The target whose answer the client got (a fallback's, a Universal step's); none for a request
        // refused before planning, whose path names a provider the client chose: counted as unknown.
        PlannedTarget answered = exchange.answeredBy(c.step());
        String route = labels.route(exchange);
        String provider = labels.provider(answered == null ? null : answered.target().provider().slug());
        String model = labels.model(answered == null ? null : answered.model());
        String errorType = CompletionLabels.error(c, "http_");
        Usage usage = c.usage();
        metrics.requests().record(route, provider, model, c.status(), c.cached(), errorType, usage, c.costUsd(),
                c.durationNanos(), c.ttfbNanos());
        store.record(new Observation(exchange.startEpochMillis(), route, provider, model, c.status(), c.cached(),
                errorType, usage == null ? 0 : usage.inputTokens(), usage == null ? 0 : usage.outputTokens(),
                usage == null ? 0 : usage.cachedInputTokens(), c.costUsd(), c.durationNanos(), c.ttfbNanos(),
                withChoices(metadata(exchange.cfAig().metadata()), exchange.facts().choices()), exchange.logId(),
                flow(exchange.facts().flow()), exchange.facts().semanticSimilarity() != null));
    }

    /** A routing flow's dimensions (names, versions and element ids are bounded by the flow's own validation). */
    private static Map<String, String> flow(dev.fairway.plan.FlowRoute flow) {
        if (flow == null) {
            return Map.of();
        }
        String version = flow.flow() + "@" + flow.version();
        return Map.of("flow", flow.flow(), "flow_version", version, "flow_branch", version + "/" + flow.branch());
    }

    /**
     * The experiment arm and prompt version as two more metadata pairs, so the existing metadata
     * group-by reports per arm: {@code group_by=metadata.fairway.experiment.<name>}, {@code group_by=metadata.fairway.prompt}.
     */
    private Map<String, String> withChoices(Map<String, String> metadata, Choices choices) {
        if (choices.experiment() == null && choices.prompt() == null) {
            return metadata;
        }
        Map<String, Object> more = new LinkedHashMap<>();
        if (choices.experiment() != null) {
            more.put("fairway.experiment." + choices.experiment(), choices.arm());
        }
        if (choices.prompt() != null) {
            more.put("fairway.prompt", choices.prompt() + "@" + choices.promptVersion());
        }
        Map<String, String> out = new LinkedHashMap<>(metadata);
        out.putAll(metadata(more));
        return out;
    }

    /** The gateway's own error type when it answered with one, else what the status says. */
    static String errorType(Completion c) {
        return CompletionLabels.error(c, "http_");
    }

    private Map<String, String> metadata(Map<String, Object> raw) {
        if (raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>(raw.size() * 2);
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String key = LabelCap.cut(e.getKey(), MAX_METADATA_KEY);
            String value = LabelCap.cut(String.valueOf(e.getValue()), MAX_METADATA_VALUE);
            if (LabelCap.OTHER.equals(metadataPairs.apply(key + "\u0000" + value))) {
                out.put(LabelCap.OTHER, LabelCap.OTHER);
            } else {
                out.put(key, value);
            }
        }
        return out;
    }
}
