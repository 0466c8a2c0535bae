package dev.fairway.usage;

import static java.util.Objects.requireNonNull;

import dev.fairway.cost.PriceTable;
import dev.fairway.metrics.LabelledCounter;
import dev.fairway.pipeline.AnswerReport;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.Provider;
import dev.fairway.provider.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage and cost of every exchange that goes upstream, whoever relays the answer (the dispatcher,
 * or a host such as Envoy in direct mode): a step whose {@linkplain Step#upstreamObserver upstream
 * observer} reads the raw answer of each attempt and records the relayed one's usage and cost on
 * the exchange ({@link Exchange#metered()}), from where they reach its completion. For OpenAI-style
 * streams whose client did not ask for usage it asks upstream and hides the extra chunk.
 *
 * <p>A successful JSON answer that is not valid JSON has no readable usage (or only what came
 * before the fault), so token and cost quotas cannot charge it in full: such answers are counted ({@code fairway_usage_unreadable_total}) and
 * logged with the request's log id, never with the body.
 */
public final class UsageMetering implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(UsageMetering.class);

    private final PriceTable prices;
    private final LabelledCounter unreadable = new LabelledCounter("fairway_usage_unreadable_total",
            "Successful JSON answers that were not valid JSON: their usage is unknown or partial, quotas were not charged for it.",
            "route", "provider");

    public UsageMetering(PriceTable prices) {
        this.prices = requireNonNull(prices, "prices");
    }

    @Override
    public String name() {
        return "metering";
    }

    @Override
    public Step open(Exchange exchange) {
        return new Step() {
            @Override
            public UpstreamObserver upstreamObserver(PlannedTarget target, UpstreamRequest planned) {
                return meter(exchange, target, planned);
            }
        };
    }

    /** The prices every answer is costed at; a realtime session costs its responses with them too. */
    public PriceTable prices() {
        return prices;
    }

    /** Answers whose usage could not be read, by route and provider. */
    public LabelledCounter unreadable() {
        return unreadable;
    }

    private UsageMeter meter(Exchange exchange, PlannedTarget target, UpstreamRequest planned) {
        Provider provider = target.target().provider();
        UpstreamRequest request = planned;
        UsageChunkFilter hiding = null;
        if (provider.format() == WireFormat.OPENAI && target.stream()
                && StreamOptions.applies(provider, request.uri().getRawPath())) {
            byte[] rewritten = StreamOptions.withIncludeUsage(exchange.body(), request.body());
            if (rewritten != null) {
                request = new UpstreamRequest(request.method(), request.uri(), request.headers(), rewritten);
                hiding = new UsageChunkFilter();
            }
        }
        return new UsageMeter(provider.format(), provider.slug(), target.model(), exchange.cfAig().customCost(),
                prices, hiding, request, readings(exchange, provider.slug()));
    }

    private Readings readings(Exchange exchange, String provider) {
        return new Readings() {
            @Override
            public void metered(Usage usage, Double costUsd, AnswerReport report) {
                exchange.metered().record(usage, costUsd, report);
            }

            @Override
            public void unreadable() {
                String route = exchange.route().name();
                unreadable.increment(route, provider);
                LOG.warn("request {}: the {} answer on route {} is not valid JSON: its usage is unknown or partial,"
                        + " token and cost quotas are not charged for what could not be read", exchange.logId(), provider, route);
            }
        };
    }
}
