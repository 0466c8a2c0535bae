package dev.fairway.retry;

import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import dev.fairway.headers.CfAigHeaderParser;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

@Doc("Retries of one upstream target. Only failures before the client got a byte are retried; cf-aig-max-attempts, cf-aig-retry-delay and cf-aig-backoff override these per request.")
public record RetrySettings(
        @Doc(value = "Attempts per target, the first included (1 to 5).", defaultValue = "1") Integer maxAttempts,
        @Doc(value = "Base wait between attempts, in milliseconds (0 to 5000).", defaultValue = "100") Integer retryDelayMs,
        @Doc(value = "How the wait grows: constant, linear or exponential; a random jitter of up to half the wait is added.", defaultValue = "exponential") String backoff,
        @Doc(value = "Upstream statuses that are retried.", defaultValue = "[429, 500, 502, 503, 504]") List<Integer> onStatus,
        @Doc(value = "Longest Retry-After (from a 429 or 503) the gateway waits for, in milliseconds; a longer one moves on to the next target at once.", defaultValue = "10000") Integer retryAfterCapMs,
        @Doc(value = "Upstream attempts one request may make in all, retries and fallback targets (Universal steps) together (1 to 50); when spent, the last failure is answered.", defaultValue = "10") Integer maxTotalAttempts)
        implements Validatable {

    public static final List<Integer> DEFAULT_STATUSES = List.of(429, 500, 502, 503, 504);
    public static final int DEFAULT_MAX_TOTAL_ATTEMPTS = 10;

    public RetrySettings {
        maxAttempts = Objects.requireNonNullElse(maxAttempts, 1);
        retryDelayMs = Objects.requireNonNullElse(retryDelayMs, 100);
        backoff = Objects.requireNonNullElse(backoff, "exponential");
        onStatus = List.copyOf(Objects.requireNonNullElse(onStatus, DEFAULT_STATUSES));
        retryAfterCapMs = Objects.requireNonNullElse(retryAfterCapMs, 10_000);
        maxTotalAttempts = Objects.requireNonNullElse(maxTotalAttempts, DEFAULT_MAX_TOTAL_ATTEMPTS);
    }

    public static RetrySettings defaults() {
        return new RetrySettings(null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(maxAttempts >= 1 && maxAttempts <= CfAigHeaderParser.MAX_ATTEMPTS, "max_attempts",
                "%s (expected: 1 to %d)", maxAttempts, CfAigHeaderParser.MAX_ATTEMPTS);
        problems.require(retryDelayMs >= 0 && retryDelayMs <= CfAigHeaderParser.MAX_RETRY_DELAY_MS, "retry_delay_ms",
                "%s (expected: 0 to %d)", retryDelayMs, CfAigHeaderParser.MAX_RETRY_DELAY_MS);
        problems.require(List.of("constant", "linear", "exponential").contains(backoff.toLowerCase(Locale.ROOT)), "backoff",
                "%s (expected: constant, linear or exponential)", backoff);
        for (int i = 0; i < onStatus.size(); i++) {
            Integer s = onStatus.get(i);
            problems.require(s != null && s >= 400 && s <= 599, "on_status[" + i + "]", "%s (expected: 400 to 599)", s);
        }
        problems.require(retryAfterCapMs >= 0 && retryAfterCapMs <= 60_000, "retry_after_cap_ms", "%s (expected: 0 to 60000)", retryAfterCapMs);
        problems.require(maxTotalAttempts >= 1 && maxTotalAttempts <= 50, "max_total_attempts", "%s (expected: 1 to 50)", maxTotalAttempts);
    }
}
