package dev.fairway.usage;

import static java.util.Objects.requireNonNull;

import dev.fairway.cost.PriceTable;
import dev.fairway.dispatch.Metering;
import dev.fairway.dispatch.ResponseTransform;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.provider.Provider;
import dev.fairway.provider.WireFormat;

/**
 * Usage and cost for every relayed exchange: the dispatcher's {@link Metering}. For OpenAI-style
 * streams whose client did not ask for usage it asks upstream and hides the extra chunk.
 */
public final class UsageMetering implements Metering {
    private final PriceTable prices;

    public UsageMetering(PriceTable prices) {
        this.prices = requireNonNull(prices, "prices");
    }

    @Override
    public Meter open(Exchange exchange, Attempt attempt) {
        Provider provider = attempt.provider();
        UpstreamRequest request = attempt.request();
        ResponseTransform transform = ResponseTransform.IDENTITY;
        if (provider.format() == WireFormat.OPENAI && attempt.stream()
                && StreamOptions.applies(provider, request.uri().getRawPath())) {
            byte[] rewritten = StreamOptions.withIncludeUsage(exchange.body(), request.body());
            if (rewritten != null) {
                request = new UpstreamRequest(request.method(), request.uri(), request.headers(), rewritten);
                transform = new UsageChunkFilter();
            }
        }
        return new UsageMeter(provider.format(), provider.slug(), attempt.model(), exchange.cfAig().customCost(),
                prices, transform, request);
    }

}
