package dev.fairway.dispatch;

import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.Usage;

/**
 * The dispatcher's hook for usage and cost: one {@link Meter} per relayed exchange, opened before
 * the upstream request is built (so it may adjust the upstream body), fed the raw upstream answer
 * and asked for usage and cost when the exchange completes.
 */
@FunctionalInterface
public interface Metering {
    Metering NONE = exchange -> Meter.NONE;

    Meter open(Exchange exchange);

    /** Sees the upstream answer before any transform, so it also sees what the client will not. */
    interface Meter extends ResponseObserver {
        Meter NONE = new Meter() {};

        /** Asked once the answer's status and headers are known: what to do to its body. */
        default ResponseTransform transform() {
            return ResponseTransform.IDENTITY;
        }

        /** Tokens reported so far, or null when the answer reported none. */
        default Usage usage() {
            return null;
        }

        /** The cost of {@code usage} (or of the request, for a total custom cost), or null when unknown. */
        default Double costUsd(Usage usage) {
            return null;
        }
    }
}
