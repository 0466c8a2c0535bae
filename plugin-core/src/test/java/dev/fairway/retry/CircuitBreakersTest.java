package dev.fairway.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
    private final AtomicLong now = new AtomicLong();
    private final CircuitBreakers breakers = new CircuitBreakers(now::get);
    private final BreakerSettings settings = new BreakerSettings(true, 3, 10, 30);

    private void advanceSeconds(long s) {
        now.addAndGet(s * 1_000_000_000L);
    }

    @Test
    void opensAfterTheThresholdWithinTheWindow() {
        breakers.onFailure("t", settings);
        breakers.onFailure("t", settings);
        assertThat(breakers.tryAcquire("t", settings)).isTrue();
        breakers.onFailure("t", settings);
        assertThat(breakers.state("t")).isEqualTo(CircuitBreakers.State.OPEN);
        assertThat(breakers.tryAcquire("t", settings)).isFalse();
        assertThat(breakers.tryAcquire("other", settings)).isTrue();
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        breakers.onFailure("t", settings);
        breakers.onFailure("t", settings);
        advanceSeconds(11);
        breakers.onFailure("t", settings);
        assertThat(breakers.state("t")).isEqualTo(CircuitBreakers.State.CLOSED);
    }

    @Test
    void afterTheCooldownOneProbeDecides() {
        for (int i = 0; i < 3; i++) {
            breakers.onFailure("t", settings);
        }
        advanceSeconds(29);
        assertThat(breakers.tryAcquire("t", settings)).isFalse();
        advanceSeconds(1);
        assertThat(breakers.tryAcquire("t", settings)).isTrue();
        assertThat(breakers.tryAcquire("t", settings)).as("only one probe at a time").isFalse();
        breakers.onFailure("t", settings);
        assertThat(breakers.state("t")).isEqualTo(CircuitBreakers.State.OPEN);
        advanceSeconds(30);
        assertThat(breakers.tryAcquire("t", settings)).isTrue();
        breakers.onSuccess("t", settings);
        assertThat(breakers.state("t")).isEqualTo(CircuitBreakers.State.CLOSED);
        assertThat(breakers.tryAcquire("t", settings)).isTrue();
    }

    @Test
    void disabledBreakersLetEverythingThrough() {
        BreakerSettings off = new BreakerSettings(false, 1, 10, 30);
        breakers.onFailure("t", off);
        assertThat(breakers.tryAcquire("t", off)).isTrue();
    }
}
