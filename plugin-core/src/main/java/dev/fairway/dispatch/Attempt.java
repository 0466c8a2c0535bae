package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.retry.CircuitBreaker;
import dev.fairway.retry.RetryRule;
import io.vertx.core.Future;

/**
 * One upstream attempt, as the calls pass it inwards: the fallback call names the target, the
 * retrying call numbers the attempt, the timeout call may give it a shorter life.
 *
 * @param index the target's position in the plan
 * @param number the attempt of this target, 1-based; 0 before the retrying call numbers it
 * @param made the request's attempts so far, this one included; 0 before numbering
 * @param rule what follows the attempt; null until the fallback call picks the target
 * @param circuit the target's circuit; null until the fallback call picks the target
 * @param cancelled completes when the attempt is to be abandoned (the client left, the time is up)
 * @param request the request to send; null until the preparing call has made it
 */
record Attempt(PlannedTarget target, int index, int number, int made, RetryRule rule, CircuitBreaker circuit, Future<Void> cancelled,
               UpstreamRequest request) {
    Attempt {
        requireNonNull(target, "target");
        requireNonNull(cancelled, "cancelled");
    }

    /** The request's way in: the plan's first target, not yet picked or numbered. */
    static Attempt first(PlannedTarget target, Future<Void> cancelled) {
        return new Attempt(target, 0, 0, 0, null, null, cancelled, null);
    }

    Attempt at(int index, PlannedTarget target, RetryRule rule, CircuitBreaker circuit) {
        return new Attempt(target, index, 0, 0, requireNonNull(rule, "rule"), requireNonNull(circuit, "circuit"), cancelled, null);
    }

    Attempt numbered(int number, int made) {
        return new Attempt(target, index, number, made, rule, circuit, cancelled, request);
    }

    Attempt cancelledBy(Future<Void> signal) {
        return new Attempt(target, index, number, made, rule, circuit, signal, request);
    }

    Attempt sending(UpstreamRequest prepared) {
        return new Attempt(target, index, number, made, rule, circuit, cancelled, requireNonNull(prepared, "prepared"));
    }

    /** Whether nothing can follow this attempt, so it waits for its first byte without a timeout. */
    boolean waitsWithoutTimeout() {
        return rule.waitsWithoutTimeout(number, made);
    }
}
