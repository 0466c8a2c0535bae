package dev.fairway.quota;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.VerboseResult;

/**
 * What one rule said about one request before dispatch.
 *
 * @param remaining what is left in the bucket after this request (may be negative after a charge
 *     overdrew it)
 * @param retryNanos how long until the request would fit, 0 when it did
 * @param resetNanos how long until the bucket is full again
 * @param took whether a request was taken from the bucket (and must be given back if another rule refuses)
 */
record Outcome(CompiledRule rule, Kind kind, long remaining, long retryNanos, long resetNanos, boolean took) {

    enum Kind { ADMITTED, REFUSED, UNAVAILABLE }

    static Outcome ofConsumption(CompiledRule rule, VerboseResult<ConsumptionProbe> result) {
        ConsumptionProbe p = result.getValue();
        return new Outcome(rule, p.isConsumed() ? Kind.ADMITTED : Kind.REFUSED, p.getRemainingTokens(),
                p.isConsumed() ? 0 : p.getNanosToWaitForRefill(), p.getNanosToWaitForReset(), p.isConsumed());
    }

    static Outcome ofEstimation(CompiledRule rule, VerboseResult<EstimationProbe> result) {
        EstimationProbe p = result.getValue();
        return new Outcome(rule, p.canBeConsumed() ? Kind.ADMITTED : Kind.REFUSED, p.getRemainingTokens(),
                p.canBeConsumed() ? 0 : p.getNanosToWaitForRefill(), result.getDiagnostics().calculateFullRefillingTime(), false);
    }

    static Outcome unavailable(CompiledRule rule) {
        return new Outcome(rule, Kind.UNAVAILABLE, 0, 0, 0, false);
    }

    /** The share of the limit still available, for choosing the tightest rule across units. */
    double remainingShare() {
        return Math.max(0, remaining) / (double) rule.limit();
    }
}
