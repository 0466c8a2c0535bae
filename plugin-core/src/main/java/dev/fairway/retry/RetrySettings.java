package dev.fairway.retry;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.OneOf;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import dev.fairway.headers.CfAigHeaderParser;
import java.util.List;
import java.util.Objects;

@Doc("Retries of one upstream target. Only failures before the client got a byte are retried; cf-aig-max-attempts, cf-aig-retry-delay and cf-aig-backoff override these per request.")
public record RetrySettings(
        @Between(min = 1, max = CfAigHeaderParser.MAX_ATTEMPTS, expected = "1 to " + CfAigHeaderParser.MAX_ATTEMPTS)
        @Doc(value = "Attempts per target, the first included (1 to 5).", defaultValue = "1") Integer maxAttempts,
        @Between(min = 0, max = CfAigHeaderParser.MAX_RETRY_DELAY_MS, expected = "0 to " + CfAigHeaderParser.MAX_RETRY_DELAY_MS)
        @Doc(value = "Base wait between attempts, in milliseconds (0 to 5000).", defaultValue = "100") Integer retryDelayMs,
        @OneOf(value = {"constant", "linear", "exponential"}, expected = "constant, linear or exponential")
        @Doc(value = "How the wait grows: constant, linear or exponential; a random jitter of up to half the wait is added.", defaultValue = "exponential") String backoff,
        @Doc(value = "Upstream statuses that are retried.", defaultValue = "[429, 500, 502, 503, 504]")
        List<@Between(min = 400, max = 599, expected = "400 to 599") Integer> onStatus,
        @Between(min = 0, max = 60_000, expected = "0 to 60000")
        @Doc(value = "Longest Retry-After (from a 429 or 503) the gateway waits for, in milliseconds; a longer one moves on to the next target at once.", defaultValue = "10000") Integer retryAfterCapMs,
        @Between(min = 1, max = 50, expected = "1 to 50")
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
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
