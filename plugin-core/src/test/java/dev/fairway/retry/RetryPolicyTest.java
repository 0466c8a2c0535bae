package dev.fairway.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static RetrySettings settings(String yaml) {
        return ConfigLoader.withEnv(Map.of()).parseRoute("retry: " + yaml).retry();
    }

    private static RetryPolicy policy(String yaml, double random, String... headers) {
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of(headers));
        return RetryPolicy.of(settings(yaml), h, () -> random);
    }

    @Test
    void backoffShapesWithoutJitter() {
        RetryPolicy constant = policy("{max_attempts: 5, retry_delay_ms: 100, backoff: constant}", 0);
        RetryPolicy linear = policy("{max_attempts: 5, retry_delay_ms: 100, backoff: linear}", 0);
        RetryPolicy exponential = policy("{max_attempts: 5, retry_delay_ms: 100, backoff: exponential}", 0);
        for (int attempt = 1; attempt <= 4; attempt++) {
            assertThat(constant.afterFailure(attempt, -1).waitMs()).isEqualTo(100);
            assertThat(linear.afterFailure(attempt, -1).waitMs()).isEqualTo(100L * attempt);
            assertThat(exponential.afterFailure(attempt, -1).waitMs()).isEqualTo(100L << (attempt - 1));
        }
    }

    @Test
    void jitterAddsUpToHalfTheWait() {
        assertThat(policy("{max_attempts: 3, retry_delay_ms: 200, backoff: constant}", 0.999).afterFailure(1, -1).waitMs()).isEqualTo(299);
        assertThat(policy("{max_attempts: 3, retry_delay_ms: 200, backoff: constant}", 0.5).afterFailure(1, -1).waitMs()).isEqualTo(250);
    }

    @Test
    void attemptsAreBoundedAndHeadersWin() {
        RetryPolicy p = policy("{max_attempts: 2}", 0);
        assertThat(p.afterFailure(1, -1).retry()).isTrue();
        assertThat(p.afterFailure(2, -1).retry()).isFalse();
        RetryPolicy overridden = policy("{max_attempts: 1, retry_delay_ms: 100}", 0,
                "cf-aig-max-attempts", "4", "cf-aig-retry-delay", "1000", "cf-aig-backoff", "linear");
        assertThat(overridden.maxAttempts()).isEqualTo(4);
        assertThat(overridden.afterFailure(3, -1).waitMs()).isEqualTo(3000);
    }

    @Test
    void retryAfterIsHonouredWithinTheCap() {
        RetryPolicy p = policy("{max_attempts: 3, retry_delay_ms: 100, retry_after_cap_ms: 5000}", 0);
        assertThat(p.afterFailure(1, 2000).waitMs()).isEqualTo(2000);
        assertThat(p.afterFailure(1, 50).waitMs()).isEqualTo(100);
        RetryDecision over = p.afterFailure(1, 6000);
        assertThat(over.retry()).isFalse();
        assertThat(over.reason()).contains("over the cap");
    }

    @Test
    void retryAfterReadsSecondsAndDates() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        assertThat(RetryAfter.millis("3", now)).isEqualTo(3000);
        assertThat(RetryAfter.millis("Tue, 24 Nov 2026 10:00:07 GMT", now)).isEqualTo(7000);
        assertThat(RetryAfter.millis("soon", now)).isEqualTo(-1);
        assertThat(RetryAfter.millis(null, now)).isEqualTo(-1);
    }

    @Test
    void settingsAreValidatedWithTheirPaths() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(dev.fairway.config.ConfigException.class,
                () -> settings("{max_attempts: 9, backoff: random, on_status: [200]}"));
        assertThat(e.problems()).containsExactlyInAnyOrder("retry.max_attempts: 9 (expected: 1 to 5)",
                "retry.backoff: random (expected: constant, linear or exponential)", "retry.on_status[0]: 200 (expected: 400 to 599)");
    }

    @Test
    void aRetryAfterExactlyAtTheCapIsWaitedFor() {
        RetryPolicy p = policy("{max_attempts: 3, retry_delay_ms: 100, retry_after_cap_ms: 5000}", 0);
        assertThat(p.afterFailure(1, 5000).waitMs()).isEqualTo(5000);
        assertThat(RetryAfter.millis("0", Instant.now())).isZero();
        assertThat(RetryAfter.millis("-1", Instant.now())).isEqualTo(-1);
    }

    @Test
    void aUniversalStepMayChangeAttemptsAndWaits() {
        RetryPolicy p = policy("{max_attempts: 1, retry_delay_ms: 100, backoff: constant}", 0);
        RetryPolicy more = p.withMaxAttempts(3);
        assertThat(more.maxAttempts()).isEqualTo(3);
        assertThat(more.afterFailure(1, -1).waitMs()).isEqualTo(100);
        assertThat(more.withDelay(40, null).afterFailure(2, -1).waitMs()).as("the shape is kept").isEqualTo(40);
        assertThat(more.withDelay(40, dev.fairway.headers.Backoff.LINEAR).afterFailure(2, -1).waitMs()).isEqualTo(80);
        assertThat(RetrySettings.defaults().maxAttempts()).isEqualTo(1);
        assertThat(RetrySettings.defaults().maxTotalAttempts()).isEqualTo(RetrySettings.DEFAULT_MAX_TOTAL_ATTEMPTS);
    }
}
