package dev.fairway.quota;

import dev.fairway.config.QuotaRule;
import dev.fairway.http.Headers;

/**
 * The rate limit fields of draft-ietf-httpapi-ratelimit-headers-09 (March 2025), in their
 * Structured Field form: {@code RateLimit-Policy: "per-user";q=100;w=60} describes the rule and
 * {@code RateLimit: "per-user";r=0;t=42} its state for this key. The draft's quota unit parameter
 * ({@code qu}) only registers requests, bytes and concurrency, so token and cost rules carry a
 * vendor parameter instead, as the draft asks of implementation-specific ones:
 * {@code fairway-unit="output_tokens"}; cost is counted in millionths of a dollar
 * ({@code fairway-unit="cost_usd_micros"}). Only the tightest rule is described, so a client reads
 * one pair of values.
 */
final class RateLimitHeaders {
    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";
    static final String RETRY_AFTER = "Retry-After";

    private RateLimitHeaders() {}

    static void write(Headers into, Outcome tightest) {
        CompiledRule rule = tightest.rule();
        StringBuilder policy = new StringBuilder(48).append('"').append(rule.rule().name()).append('"')
                .append(";q=").append(rule.limit()).append(";w=").append(rule.windowSeconds());
        if (rule.rule().unit() == QuotaRule.Unit.COST_USD) {
            policy.append(";fairway-unit=\"cost_usd_micros\"");
        } else if (rule.rule().unit() != QuotaRule.Unit.REQUESTS) {
            policy.append(";fairway-unit=\"").append(rule.rule().unit()).append('"');
        }
        into.set(POLICY, policy.toString());
        into.set(STATE, '"' + rule.rule().name() + "\";r=" + Math.max(0, tightest.remaining())
                + ";t=" + seconds(tightest.resetNanos()));
    }

    static void writeRetryAfter(Headers into, Outcome refused) {
        into.set(RETRY_AFTER, Long.toString(Math.max(1, seconds(refused.retryNanos()))));
    }

    /** Whole seconds, rounded up: a client that waits this long finds the quota there. */
    static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
