package dev.fairway.metrics;

import static java.util.Objects.requireNonNull;

import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Step;
import java.util.function.BiConsumer;

/**
 * What the stages that record completed exchanges (request metrics and analytics, GenAI metrics)
 * share: route, provider and model label values bounded alike (each recorder keeps its own
 * {@link LabelCap}s, so one's values never crowd out another's), a failed completion's error label,
 * and the step that records once the exchange completes.
 */
public final class CompletionLabels {
    public static final int MAX_ROUTES = 1_000;
    public static final int MAX_PROVIDERS = 200;
    public static final int MAX_MODELS = 1_000;

    private final LabelCap routes = new LabelCap(MAX_ROUTES);
    private final LabelCap providers = new LabelCap(MAX_PROVIDERS);
    private final LabelCap models = new LabelCap(MAX_MODELS);
    private final LabelCap responseModels = new LabelCap(MAX_MODELS);

    /** The exchange's route name, bounded. */
    public String route(Exchange exchange) {
        return routes.apply(exchange.route().name());
    }

    /** A provider name (null: unknown), bounded. */
    public String provider(String name) {
        return providers.apply(name);
    }

    /** A model name (null: unknown), bounded. */
    public String model(String name) {
        return models.apply(name);
    }

    /**
     * The model an answer named (null: it named none, which stays an empty label), bounded apart from
     * the requested models: upstreams name dated versions, so these are a different set of values.
     */
    public String responseModel(String name) {
        return name == null || name.isEmpty() ? "" : responseModels.apply(name);
    }

    /**
     * A completion's error label: null when it succeeded, else its error type, else {@code truncated}
     * for an answer cut short, else {@code statusPrefix} and the HTTP status.
     */
    public static String error(Completion c, String statusPrefix) {
        if (c.success()) {
            return null;
        }
        if (c.errorType() != null) {
            return c.errorType();
        }
        return c.truncated() ? "truncated" : statusPrefix + c.status();
    }

    /** The step of a records-only stage: {@code recorder} runs once, when {@code exchange} completes. */
    public static Step recorder(Exchange exchange, BiConsumer<Exchange, Completion> recorder) {
        requireNonNull(exchange, "exchange");
        requireNonNull(recorder, "recorder");
        return new Step() {
            @Override
            public void afterCompletion(Completion completion) {
                recorder.accept(exchange, completion);
            }
        };
    }
}
