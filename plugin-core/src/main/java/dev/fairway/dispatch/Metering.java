package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.Provider;

/**
 * The dispatcher's hook for usage and cost: one {@link Meter} per upstream attempt, opened before
 * the request is sent (so it may adjust it), fed the raw upstream answer and asked for usage and
 * cost when the exchange completes.
 */
@FunctionalInterface
public interface Metering {
    Metering NONE = (exchange, attempt) -> Meter.NONE;

    Meter open(Exchange exchange, Attempt attempt);

    /** One upstream attempt as a meter sees it: who is asked, for which model, with which request. */
    record Attempt(Provider provider, String model, boolean stream, UpstreamRequest request) {
        public Attempt {
            requireNonNull(provider, "provider");
            requireNonNull(request, "request");
        }
    }

    /** Sees the upstream answer before any transform, so it also sees what the client will not. */
    interface Meter extends ResponseObserver {
        Meter NONE = new Meter() {};

        /** The request to send; a meter may ask the provider to report usage it would not by default. */
        default UpstreamRequest request(UpstreamRequest planned) {
            return planned;
        }

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
