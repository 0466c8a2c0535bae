package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryBackendTest extends QuotaBackendContract {

    @Override
    protected QuotaBackend newBackend(TestClock clock) {
        return QuotaBackend.inMemory(clock);
    }

    @Test
    void aBucketIsForgottenOnceItWouldBeFullAgainButADebtIsKept() {
        CompiledRule r = rule("{name: r, limit: 2, window: 60s, technique: sliding}");
        bucket(r, key("idle")).tryConsume(1).join();
        bucket(r, key("busy")).consumeIgnoringRateLimits(100).join();
        InMemoryBackend memory = (InMemoryBackend) backend;
        assertThat(memory.size()).isEqualTo(2);
        // "idle" (1 of 2 used) is full again after 30 s and kept 10 s more, like a Redis key.
        clock.advance(Duration.ofSeconds(39));
        assertThat(memory.size()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(memory.size()).isEqualTo(1);
        // "busy" owes 98 tokens plus 2 to refill: 50 minutes, so it is still there, in debt.
        assertThat(bucket(r, key("busy")).getAvailableTokens().join()).isNegative();
    }

    @Test
    void distinctClientKeysNeverGrowTheStoreBeyondItsBound() {
        CompiledRule r = rule("{name: r, limit: 5, window: 1h}");
        try (InMemoryBackend small = new InMemoryBackend(clock, 100)) {
            for (int i = 0; i < 5_000; i++) {
                small.bucket(key("user-" + i), r.configuration()).join().tryConsume(1).join();
            }
            assertThat(small.size()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void theBoundMustBePositive() {
        assertThatThrownBy(() -> new InMemoryBackend(clock, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBuckets: 0 (expected: >= 1)");
    }

    @Test
    void closingForgetsEveryBucket() {
        CompiledRule r = rule("{name: r, limit: 2, window: 60s}");
        bucket(r, key("a")).tryConsume(1).join();
        backend.close();
        assertThat(((InMemoryBackend) backend).size()).isZero();
    }

    @Test
    void describesItselfAsMemory() {
        assertThat(backend.describe()).isEqualTo("memory");
        assertThat(backend.ping()).isCompleted();
    }
}
