package dev.fairway.retry;

import static java.util.Objects.requireNonNull;

import dev.fairway.headers.Backoff;
import dev.fairway.headers.CfAigHeaders;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * When to try the same target again and how long to wait first. Built per request from the route's
 * settings and the {@code cf-aig-*} overrides; the jitter source is injected so tests see exact waits.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final long delayMs;
    private final Backoff backoff;
    private final Set<Integer> onStatus;
    private final long retryAfterCapMs;
    private final DoubleSupplier random;

    private RetryPolicy(int maxAttempts, long delayMs, Backoff backoff, Set<Integer> onStatus, long retryAfterCapMs, DoubleSupplier random) {
        this.maxAttempts = maxAttempts;
        this.delayMs = delayMs;
        this.backoff = backoff;
        this.onStatus = onStatus;
        this.retryAfterCapMs = retryAfterCapMs;
        this.random = random;
    }

    /** The route's settings, with the request's {@code cf-aig-*} headers taking precedence. */
    public static RetryPolicy of(RetrySettings route, CfAigHeaders request, DoubleSupplier random) {
        return new RetryPolicy(
                request.maxAttempts() != null ? request.maxAttempts() : route.maxAttempts(),
                request.retryDelayMs() != null ? request.retryDelayMs() : route.retryDelayMs(),
                request.backoff() != null ? request.backoff() : Backoff.valueOf(route.backoff().toUpperCase(Locale.ROOT)),
                Set.copyOf(route.onStatus()),
                route.retryAfterCapMs(),
                requireNonNull(random, "random"));
    }

    /** The same policy with another attempt budget (a Universal step's own maxAttempts). */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, delayMs, backoff, onStatus, retryAfterCapMs, random);
    }

    public RetryPolicy withDelay(long ms, Backoff shape) {
        return new RetryPolicy(maxAttempts, ms, shape == null ? backoff : shape, onStatus, retryAfterCapMs, random);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public boolean retriesStatus(int status) {
        return onStatus.contains(status);
    }

    /**
     * What to do after failed attempt number {@code attempt} (1-based) of a target.
     *
     * @param retryAfterMs the upstream's Retry-After in milliseconds, or -1
     */
    public RetryDecision afterFailure(int attempt, long retryAfterMs) {
        if (attempt >= maxAttempts) {
            return RetryDecision.moveOn("attempts exhausted (" + maxAttempts + ")");
        }
        if (retryAfterMs > retryAfterCapMs) {
            return RetryDecision.moveOn("Retry-After " + retryAfterMs + " ms is over the cap of " + retryAfterCapMs + " ms");
        }
        long wait = Math.max(backoffMs(attempt), retryAfterMs);
        return RetryDecision.retryAfter(wait);
    }

    /** The wait before retry number {@code attempt}: the shape's base, plus up to half of it at random. */
    long backoffMs(int attempt) {
        long base = switch (backoff) {
            case CONSTANT -> delayMs;
            case LINEAR -> delayMs * attempt;
            case EXPONENTIAL -> delayMs * (1L << Math.min(attempt - 1, 16));
        };
        base = Math.min(base, 60_000);
        // Jitter spreads retries of many clients that failed together, so they do not return together.
        return base + (long) (base / 2.0 * random.getAsDouble());
    }
}
