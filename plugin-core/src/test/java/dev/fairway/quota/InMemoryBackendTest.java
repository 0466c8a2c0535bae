package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryBackendTest extends QuotaBackendContract {

    @Override
    protected QuotaBackend newBackend(TestClock clock) {
        return QuotaBackend.inMemory(clock);
    }

    @Test
    void bucketsThatRefilledCompletelyAreDropped() {
        CompiledRule r = rule("{name: r, limit: 2, window: 60s, technique: sliding}");
        bucket(r, key("idle")).tryConsume(1).join();
        bucket(r, key("busy")).tryConsume(2).join();
        InMemoryBackend memory = (InMemoryBackend) backend;
        assertThat(memory.size()).isEqualTo(2);
        // 61 s on, "idle" (1 of 2 used) is full again; "busy" keeps its debt after a forced charge.
        bucket(r, key("busy")).consumeIgnoringRateLimits(100).join();
        clock.advance(Duration.ofSeconds(61));
        bucket(r, key("other")).tryConsume(1).join();
        assertThat(memory.size()).isEqualTo(2);
        assertThat(bucket(r, key("busy")).getAvailableTokens().join()).isNegative();
    }
}
