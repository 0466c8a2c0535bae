package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.QuotaRule;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QuotaBackend} must do, whatever holds the buckets. Each backend's test extends
 * this kit; the buckets are configured exactly as the quota stage configures them.
 */
public abstract class QuotaBackendContract {
    /** A minute boundary (and a day boundary), so that fixed windows start here. */
    protected static final Instant BOUNDARY = Instant.parse("2026-03-01T00:00:00Z");

    protected TestClock clock;
    protected QuotaBackend backend;
    private final String run = UUID.randomUUID().toString();

    /** A new backend of the kind under test, timed by {@code clock}. */
    protected abstract QuotaBackend newBackend(TestClock clock);

    @BeforeEach
    void openBackend() {
        clock = new TestClock(BOUNDARY.minusSeconds(10));
        backend = newBackend(clock);
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    static CompiledRule rule(String yaml) {
        QuotaRule rule = ConfigLoader.withEnv(Map.of()).parseRoute("quotas: [" + yaml + "]").quotas().get(0);
        return new CompiledRule(rule);
    }

    /** A key no other test (or earlier run against the same store) uses. */
    protected String key(String name) {
        return name + ":" + run;
    }

    AsyncBucketProxy bucket(CompiledRule rule, String key) {
        return backend.bucket(key, rule.configuration()).join();
    }

    /** The bucket {@code in} holds under {@code key} for the rule written as {@code ruleYaml}. */
    protected static AsyncBucketProxy bucket(QuotaBackend in, String ruleYaml, String key) {
        return in.bucket(key, rule(ruleYaml).configuration()).join();
    }

    private static ConsumptionProbe take(AsyncBucketProxy b) {
        return b.tryConsumeAndReturnRemaining(1).join();
    }

    @Test
    void takesUntilTheLimitThenRefusesWithTheWait() {
        CompiledRule r = rule("{name: r, limit: 3, window: 60s}");
        AsyncBucketProxy b = bucket(r, key("take"));
        assertThat(take(b).getRemainingTokens()).isEqualTo(2);
        assertThat(take(b).getRemainingTokens()).isEqualTo(1);
        assertThat(take(b).getRemainingTokens()).isZero();
        ConsumptionProbe refused = take(b);
        assertThat(refused.isConsumed()).isFalse();
        // 10 s before the boundary of an aligned 60 s window.
        assertThat(refused.getNanosToWaitForRefill()).isEqualTo(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aBucketFetchedAgainKeepsItsStateAndKeysAreIndependent() {
        CompiledRule r = rule("{name: r, limit: 2, window: 60s}");
        take(bucket(r, key("a")));
        take(bucket(r, key("a")));
        assertThat(take(bucket(r, key("a"))).isConsumed()).isFalse();
        assertThat(take(bucket(r, key("b"))).isConsumed()).isTrue();
    }

    @Test
    void fixedWindowGivesTheWholeLimitBackExactlyAtTheBoundary() {
        CompiledRule r = rule("{name: r, limit: 3, window: 60s, technique: fixed}");
        String k = key("fixed");
        for (int i = 0; i < 3; i++) {
            assertThat(take(bucket(r, k)).isConsumed()).isTrue();
        }
        clock.set(BOUNDARY.minusMillis(1));
        assertThat(take(bucket(r, k)).isConsumed()).isFalse();
        clock.set(BOUNDARY);
        for (int i = 0; i < 3; i++) {
            assertThat(take(bucket(r, k)).isConsumed()).as("request %d after the boundary", i).isTrue();
        }
        assertThat(take(bucket(r, k)).isConsumed()).isFalse();
    }

    @Test
    void slidingWindowGivesBackGraduallySoNoBurstStraddlesTheBoundary() {
        CompiledRule r = rule("{name: r, limit: 3, window: 60s, technique: sliding}");
        String k = key("sliding");
        for (int i = 0; i < 3; i++) {
            assertThat(take(bucket(r, k)).isConsumed()).isTrue();
        }
        // 10 s later a fixed window would be full again; here one request comes back every 20 s.
        clock.set(BOUNDARY);
        ConsumptionProbe atBoundary = take(bucket(r, k));
        assertThat(atBoundary.isConsumed()).isFalse();
        assertThat(atBoundary.getNanosToWaitForRefill()).isEqualTo(Duration.ofSeconds(10).toNanos());
        clock.advance(Duration.ofSeconds(10));
        assertThat(take(bucket(r, k)).isConsumed()).isTrue();
        assertThat(take(bucket(r, k)).isConsumed()).isFalse();
    }

    @Test
    void aForcedChargeOverdrawsTheBucketAndTheDebtIsPaidFromLaterWindows() {
        CompiledRule r = rule("{name: r, unit: output_tokens, limit: 100, window: 60s}");
        String k = key("debt");
        bucket(r, k).consumeIgnoringRateLimits(250).join();
        assertThat(bucket(r, k).estimateAbilityToConsume(1).join().canBeConsumed()).isFalse();
        assertThat(bucket(r, k).getAvailableTokens().join()).isEqualTo(-150);
        clock.set(BOUNDARY);
        assertThat(bucket(r, k).estimateAbilityToConsume(1).join().canBeConsumed()).isFalse();
        assertThat(bucket(r, k).getAvailableTokens().join()).isEqualTo(-50);
        clock.set(BOUNDARY.plusSeconds(60));
        EstimationProbe later = bucket(r, k).estimateAbilityToConsume(1).join();
        assertThat(later.canBeConsumed()).isTrue();
        assertThat(later.getRemainingTokens()).isEqualTo(50);
    }

    @Test
    void anEstimateTakesNothing() {
        CompiledRule r = rule("{name: r, unit: total_tokens, limit: 5, window: 1h}");
        String k = key("estimate");
        for (int i = 0; i < 3; i++) {
            assertThat(bucket(r, k).estimateAbilityToConsume(1).join().getRemainingTokens()).isEqualTo(5);
        }
    }

    @Test
    void aRefundNeverFillsBeyondTheLimit() {
        CompiledRule r = rule("{name: r, limit: 2, window: 60s}");
        String k = key("refund");
        take(bucket(r, k));
        bucket(r, k).addTokens(1).join();
        bucket(r, k).addTokens(1).join();
        assertThat(bucket(r, k).getAvailableTokens().join()).isEqualTo(2);
    }

    @Test
    void costIsCountedInMillionthsOfADollar() {
        CompiledRule r = rule("{name: spend, unit: cost_usd, limit: 0.5, window: 1d}");
        String k = key("cost");
        assertThat(r.limit()).isEqualTo(500_000);
        bucket(r, k).consumeIgnoringRateLimits(499_999).join();
        assertThat(bucket(r, k).estimateAbilityToConsume(1).join().canBeConsumed()).isTrue();
        bucket(r, k).consumeIgnoringRateLimits(1).join();
        assertThat(bucket(r, k).estimateAbilityToConsume(1).join().canBeConsumed()).isFalse();
    }

    @Test
    void concurrentTakesFromManyThreadsAdmitExactlyTheLimit() {
        CompiledRule r = rule("{name: r, limit: 20, window: 1h}");
        String k = key("race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Boolean>> takes = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                takes.add(CompletableFuture.supplyAsync(() -> bucket(r, k).tryConsume(1), pool).thenCompose(f -> f));
            }
            long admitted = takes.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
            assertThat(admitted).isEqualTo(20);
        } finally {
            pool.shutdown();
        }
    }
}
