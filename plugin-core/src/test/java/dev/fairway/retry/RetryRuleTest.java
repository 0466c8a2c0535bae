package dev.fairway.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.fairway.config.ConfigLoader;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.http.Headers;
import dev.fairway.retry.RetryRule.Action;
import dev.fairway.retry.RetryRule.Decision;
import dev.fairway.retry.RetryRule.Health;
import dev.fairway.retry.RetryRule.Kind;
import dev.fairway.retry.RetryRule.Result;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryRuleTest {
    private static final Set<Integer> FALLBACK = Set.of(429, 500, 502, 503, 504);

    /** Three attempts per target, 100 ms constant waits, a Retry-After cap of 1 s; retries 429 and 503. */
    private static RetryPolicy policy() {
        RetrySettings s = ConfigLoader.withEnv(Map.of()).parseRoute(
                "retry: {max_attempts: 3, retry_delay_ms: 100, backoff: constant, on_status: [429, 503], retry_after_cap_ms: 1000}").retry();
        return RetryPolicy.of(s, CfAigHeaderParser.parse(new Headers()), () -> 0);
    }

    private static RetryRule rule(boolean lastTarget) {
        return new RetryRule(policy(), FALLBACK::contains, lastTarget, 10);
    }

    private static Decision answered(RetryRule rule, int status, int attempt, int made) {
        return rule.decide(Result.answered(status, -1), attempt, made);
    }

    @Test
    void aRetriedStatusIsTriedAgainAfterTheWait() {
        Decision d = answered(rule(true), 503, 1, 1);
        assertThat(d.action()).isEqualTo(Action.RETRY);
        assertThat(d.waitMs()).isEqualTo(100);
        assertThat(d.health()).isEqualTo(Health.FAILURE);
    }

    @Test
    void retryAfterIsWaitedForUpToTheCap() {
        assertThat(rule(true).decide(Result.answered(429, 700), 1, 1)).satisfies(d -> {
            assertThat(d.action()).isEqualTo(Action.RETRY);
            assertThat(d.waitMs()).isEqualTo(700);
        });
        Decision over = rule(false).decide(Result.answered(429, 5_000), 1, 1);
        assertThat(over.action()).as("beyond the cap the target is left at once").isEqualTo(Action.NEXT);
        assertThat(rule(true).decide(Result.answered(429, 5_000), 1, 1).action()).isEqualTo(Action.ACCEPT);
    }

    @Test
    void spentRetriesFallBackOrRelayTheAnswer() {
        assertThat(answered(rule(false), 503, 3, 3).action()).isEqualTo(Action.NEXT);
        assertThat(answered(rule(false), 503, 3, 3).reason()).isEqualTo("status 503");
        assertThat(answered(rule(true), 503, 3, 3).action()).as("nothing follows: relayed as given").isEqualTo(Action.ACCEPT);
    }

    @Test
    void aStatusOnlyTheFallbackListsMovesOnAtOnce() {
        Decision d = answered(rule(false), 500, 1, 1);
        assertThat(d.action()).isEqualTo(Action.NEXT);
        assertThat(d.health()).isEqualTo(Health.FAILURE);
        assertThat(answered(rule(true), 500, 1, 1).action()).isEqualTo(Action.ACCEPT);
    }

    @Test
    void otherAnswersAreAccepted() {
        assertThat(answered(rule(false), 200, 1, 1)).satisfies(d -> {
            assertThat(d.action()).isEqualTo(Action.ACCEPT);
            assertThat(d.health()).isEqualTo(Health.SUCCESS);
            assertThat(d.waitMs()).isZero();
        });
        assertThat(answered(rule(false), 400, 1, 1).action()).isEqualTo(Action.ACCEPT);
        assertThat(answered(rule(false), 501, 1, 1).action()).isEqualTo(Action.ACCEPT);
    }

    @Test
    void theRequestsBudgetEndsRetriesAndFallback() {
        RetryRule rule = new RetryRule(policy(), FALLBACK::contains, false, 2);
        assertThat(answered(rule, 503, 1, 1).action()).isEqualTo(Action.RETRY);
        assertThat(answered(rule, 503, 2, 2).action()).isEqualTo(Action.ACCEPT);
        assertThat(rule.decide(Result.of(Kind.UNREACHABLE), 1, 1).action()).isEqualTo(Action.RETRY);
        Decision spent = rule.decide(Result.of(Kind.TIMED_OUT), 2, 2);
        assertThat(spent.action()).isEqualTo(Action.STOP);
        assertThat(spent.reason()).isEqualTo("retry.max_total_attempts reached (2)");
        assertThat(spent.health()).isEqualTo(Health.FAILURE);
    }

    @Test
    void connectionFailuresAndTimeoutsAreRetriedThenMoveOn() {
        for (Kind kind : new Kind[] {Kind.UNREACHABLE, Kind.TIMED_OUT}) {
            Decision first = rule(false).decide(Result.of(kind), 1, 1);
            assertThat(first.action()).isEqualTo(Action.RETRY);
            assertThat(first.waitMs()).isEqualTo(100);
            assertThat(first.health()).isEqualTo(Health.FAILURE);
            assertThat(rule(false).decide(Result.of(kind), 3, 3).action()).isEqualTo(Action.NEXT);
            assertThat(rule(true).decide(Result.of(kind), 3, 3).action()).isEqualTo(Action.STOP);
        }
    }

    @Test
    void aRefusalOrALeavingClientStopsAndSaysNothingAboutTheTarget() {
        for (Kind kind : new Kind[] {Kind.REFUSED, Kind.CANCELLED}) {
            Decision d = rule(false).decide(Result.of(kind), 1, 1);
            assertThat(d.action()).isEqualTo(Action.STOP);
            assertThat(d.health()).isEqualTo(Health.IGNORE);
        }
    }

    @Test
    void theCircuitHearsOnlyWhatConcernsTheTarget() {
        RetryRule rule = rule(false);
        assertThat(rule.health(Result.answered(200, -1))).isEqualTo(Health.SUCCESS);
        assertThat(rule.health(Result.answered(399, -1))).isEqualTo(Health.SUCCESS);
        assertThat(rule.health(Result.answered(400, -1))).as("a client's own error").isEqualTo(Health.IGNORE);
        assertThat(rule.health(Result.answered(401, -1))).isEqualTo(Health.IGNORE);
        assertThat(rule.health(Result.answered(429, -1))).isEqualTo(Health.FAILURE);
        assertThat(rule.health(Result.answered(500, -1))).isEqualTo(Health.FAILURE);
        assertThat(rule.health(Result.answered(501, -1))).as("not a failure the route names").isEqualTo(Health.IGNORE);
        RetryRule deadKeys = new RetryRule(policy(), Set.of(401, 503)::contains, false, 10);
        assertThat(deadKeys.health(Result.answered(401, -1))).as("falls back, yet a client's error").isEqualTo(Health.IGNORE);
        RetryRule retriedOnly = new RetryRule(policy(), s -> false, false, 10);
        assertThat(retriedOnly.health(Result.answered(429, -1))).isEqualTo(Health.FAILURE);
        assertThat(retriedOnly.health(Result.answered(503, -1))).isEqualTo(Health.FAILURE);
        assertThat(retriedOnly.health(Result.answered(500, -1))).isEqualTo(Health.IGNORE);
    }

    @Test
    void onlyAnAttemptNothingCanFollowWaitsWithoutATimeout() {
        RetryRule last = rule(true);
        assertThat(last.waitsWithoutTimeout(1, 1)).as("a lone attempt keeps its timeout").isFalse();
        assertThat(last.waitsWithoutTimeout(2, 2)).isFalse();
        assertThat(last.waitsWithoutTimeout(3, 3)).isTrue();
        assertThat(last.waitsWithoutTimeout(3, 5)).isTrue();
        assertThat(rule(false).waitsWithoutTimeout(3, 3)).as("a target follows").isFalse();
        RetryRule budget = new RetryRule(policy(), FALLBACK::contains, false, 3);
        assertThat(budget.waitsWithoutTimeout(1, 2)).isFalse();
        assertThat(budget.waitsWithoutTimeout(1, 3)).as("the request's last attempt").isTrue();
        RetryRule lone = new RetryRule(policy(), FALLBACK::contains, true, 1);
        assertThat(lone.waitsWithoutTimeout(1, 1)).isFalse();
    }

    @Test
    void resultsAndRulesNeedTheirParts() {
        assertThat(Result.of(Kind.TIMED_OUT)).isEqualTo(new Result(Kind.TIMED_OUT, 0, -1));
        assertThat(Result.answered(503, 20)).isEqualTo(new Result(Kind.ANSWERED, 503, 20));
        assertThatNullPointerException().isThrownBy(() -> new Result(null, 0, -1)).withMessage("kind");
        assertThatNullPointerException().isThrownBy(() -> new RetryRule(null, s -> true, true, 1)).withMessage("policy");
        assertThatNullPointerException().isThrownBy(() -> new RetryRule(policy(), null, true, 1)).withMessage("fallsBackOn");
    }
}
