package dev.fairway.retry;

import static java.util.Objects.requireNonNull;

import java.util.function.IntPredicate;

/**
 * The one place that decides what follows an upstream attempt of one target: try it again after a
 * wait, move on to the next target, stop with the error, or accept the answer and relay it; and what
 * the attempt tells the target's circuit. Built per target of a request.
 *
 * <p>Only failures before the client got a byte come here: once relaying has begun nothing is retried.
 */
public final class RetryRule {
    public enum Action { RETRY, NEXT, STOP, ACCEPT }

    /** What an attempt tells the circuit about the target's health. */
    public enum Health { SUCCESS, FAILURE, IGNORE }

    /** How an attempt ended before anything was relayed. */
    public enum Kind {
        /** The provider answered with a status. */
        ANSWERED,
        /** No connection, a connection lost, or a credential that could not be prepared on the gateway's side. */
        UNREACHABLE,
        /** No first byte within the time allowed. */
        TIMED_OUT,
        /** Refused before sending, for the client's own reason (a credential it sent that cannot work). */
        REFUSED,
        /** The client left. */
        CANCELLED
    }

    /**
     * @param status the provider's status when {@code kind} is {@link Kind#ANSWERED}, else 0
     * @param retryAfterMs the provider's {@code Retry-After} in milliseconds, or -1
     */
    public record Result(Kind kind, int status, long retryAfterMs) {
        public Result {
            requireNonNull(kind, "kind");
        }

        public static Result answered(int status, long retryAfterMs) {
            return new Result(Kind.ANSWERED, status, retryAfterMs);
        }

        public static Result of(Kind kind) {
            return new Result(kind, 0, -1);
        }
    }

    /** @param waitMs how long to wait before a {@link Action#RETRY} */
    public record Decision(Action action, long waitMs, Health health, String reason) {}

    private final RetryPolicy policy;
    private final IntPredicate fallsBackOn;
    private final boolean lastTarget;
    private final int maxTotalAttempts;

    /**
     * @param policy the target's retries
     * @param fallsBackOn which statuses of the target move on to the next target
     * @param lastTarget whether no target follows this one
     * @param maxTotalAttempts the upstream attempts the whole request may make
     */
    public RetryRule(RetryPolicy policy, IntPredicate fallsBackOn, boolean lastTarget, int maxTotalAttempts) {
        this.policy = requireNonNull(policy, "policy");
        this.fallsBackOn = requireNonNull(fallsBackOn, "fallsBackOn");
        this.lastTarget = lastTarget;
        this.maxTotalAttempts = maxTotalAttempts;
    }

    /**
     * What follows {@code result} of attempt {@code attempt} (1-based) of this target, the request's
     * attempt number {@code made} (1-based, all targets).
     */
    public Decision decide(Result result, int attempt, int made) {
        Health health = health(result);
        boolean budgetLeft = made < maxTotalAttempts;
        return switch (result.kind()) {
            case CANCELLED -> new Decision(Action.STOP, 0, health, "the client left");
            case REFUSED -> new Decision(Action.STOP, 0, health, "refused before sending");
            case UNREACHABLE, TIMED_OUT -> {
                if (!budgetLeft) {
                    yield new Decision(Action.STOP, 0, health, "retry.max_total_attempts reached (" + made + ")");
                }
                RetryDecision d = policy.afterFailure(attempt, -1);
                yield d.retry() ? new Decision(Action.RETRY, d.waitMs(), health, d.reason())
                        : lastTarget ? new Decision(Action.STOP, 0, health, d.reason())
                        : new Decision(Action.NEXT, 0, health, d.reason());
            }
            case ANSWERED -> answered(result, attempt, budgetLeft, health);
        };
    }

    private Decision answered(Result result, int attempt, boolean budgetLeft, Health health) {
        int status = result.status();
        boolean retried = policy.retriesStatus(status);
        boolean fallsBack = fallsBackOn.test(status);
        if (budgetLeft && retried) {
            RetryDecision d = policy.afterFailure(attempt, result.retryAfterMs());
            if (d.retry()) {
                return new Decision(Action.RETRY, d.waitMs(), health, d.reason());
            }
        }
        if (budgetLeft && fallsBack && !lastTarget) {
            return new Decision(Action.NEXT, 0, health, "status " + status);
        }
        // Nothing follows: the provider's answer is relayed as it gave it.
        return new Decision(Action.ACCEPT, 0, health, "status " + status);
    }

    /**
     * What {@code result} tells the circuit. A client's own error (a bad key, a 400) says nothing about
     * the target's health: counting it as a failure would let one client open the circuit for
     * everyone, and counting it as a success would let it close one. A status the route neither
     * retries nor falls back on is not a failure either: the operator did not call it one.
     */
    public Health health(Result result) {
        return switch (result.kind()) {
            case UNREACHABLE, TIMED_OUT -> Health.FAILURE;
            case REFUSED, CANCELLED -> Health.IGNORE;
            case ANSWERED -> {
                int status = result.status();
                boolean counted = policy.retriesStatus(status) || fallsBackOn.test(status);
                yield status < 400 ? Health.SUCCESS
                        : counted && (status >= 500 || status == 429) ? Health.FAILURE
                        : Health.IGNORE;
            }
        };
    }

    /**
     * Whether attempt {@code attempt} of this target, the request's {@code made}th, is its last
     * chance: nothing could follow it. Cloudflare: "On the final retry attempt, your gateway will
     * wait until the request completes, regardless of how long it takes", so such an attempt has no
     * first-byte timeout; a lone attempt keeps its timeout (an error when exceeded).
     */
    public boolean waitsWithoutTimeout(int attempt, int made) {
        return made > 1 && (made >= maxTotalAttempts || lastTarget && attempt >= policy.maxAttempts());
    }
}
