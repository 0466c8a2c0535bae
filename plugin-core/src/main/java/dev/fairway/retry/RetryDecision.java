package dev.fairway.retry;

/** After a failed attempt: wait and try the same target again, or move on to the next target (or give up). */
public record RetryDecision(boolean retry, long waitMs, String reason) {
    static RetryDecision retryAfter(long waitMs) {
        return new RetryDecision(true, waitMs, "retry");
    }

    static RetryDecision moveOn(String reason) {
        return new RetryDecision(false, 0, reason);
    }
}
