package dev.fairway.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.retry.CircuitBreaker.Phase;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker circuit = new CircuitBreaker(new BreakerSettings(true, 3, 10, 30), now::get);

    private void advanceSeconds(double s) {
        now.addAndGet((long) (s * SECOND));
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            circuit.onFailure();
        }
    }

    @Test
    void opensAfterTheThresholdWithinTheWindow() {
        fail(2);
        assertThat(circuit.phase()).isEqualTo(Phase.CLOSED);
        assertThat(circuit.tryAcquire()).isTrue();
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
        assertThat(circuit.tryAcquire()).isFalse();
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        fail(2);
        advanceSeconds(11);
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.CLOSED);
        fail(1);
        assertThat(circuit.phase()).as("two within the window").isEqualTo(Phase.CLOSED);
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
    }

    @Test
    void failuresSpreadAcrossTheWindowCount() {
        fail(1);
        advanceSeconds(4);
        fail(1);
        advanceSeconds(4);
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
    }

    @Test
    void theWindowSlidesBucketByBucket() {
        fail(1);
        advanceSeconds(5);
        fail(1);
        advanceSeconds(5.5);
        fail(1);
        assertThat(circuit.phase()).as("the first failure slid out, the second did not").isEqualTo(Phase.CLOSED);
        advanceSeconds(1);
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
    }

    @Test
    void aSuccessForgetsTheFailures() {
        fail(2);
        circuit.onSuccess();
        fail(2);
        assertThat(circuit.phase()).isEqualTo(Phase.CLOSED);
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
    }

    @Test
    void anIgnoredAttemptChangesNothingWhileClosedOrOpen() {
        fail(2);
        circuit.onIgnore();
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
        circuit.onIgnore();
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
        assertThat(circuit.tryAcquire()).isFalse();
    }

    @Test
    void afterTheCooldownOneTrialDecides() {
        fail(3);
        advanceSeconds(29);
        assertThat(circuit.tryAcquire()).isFalse();
        advanceSeconds(1);
        assertThat(circuit.tryAcquire()).isTrue();
        assertThat(circuit.phase()).isEqualTo(Phase.HALF_OPEN);
        assertThat(circuit.tryAcquire()).as("only one trial at a time").isFalse();
        circuit.onFailure();
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
        advanceSeconds(29);
        assertThat(circuit.tryAcquire()).as("a failed trial opens another cool-down").isFalse();
        advanceSeconds(1);
        assertThat(circuit.tryAcquire()).isTrue();
        circuit.onSuccess();
        assertThat(circuit.phase()).isEqualTo(Phase.CLOSED);
        assertThat(circuit.tryAcquire()).isTrue();
        fail(2);
        assertThat(circuit.phase()).as("closed afresh: no failure carried over").isEqualTo(Phase.CLOSED);
    }

    @Test
    void anIgnoredTrialLetsTheNextRequestProbe() {
        fail(3);
        advanceSeconds(30);
        assertThat(circuit.tryAcquire()).isTrue();
        circuit.onIgnore();
        assertThat(circuit.phase()).isEqualTo(Phase.HALF_OPEN);
        assertThat(circuit.tryAcquire()).isTrue();
        assertThat(circuit.tryAcquire()).isFalse();
    }

    @Test
    void aTrialThatNeverReportsIsPresumedLostAfterACooldown() {
        fail(3);
        advanceSeconds(30);
        assertThat(circuit.tryAcquire()).isTrue();
        advanceSeconds(29);
        assertThat(circuit.tryAcquire()).isFalse();
        advanceSeconds(1);
        assertThat(circuit.tryAcquire()).as("another request may probe").isTrue();
        assertThat(circuit.tryAcquire()).isFalse();
    }

    @Test
    void aLateSuccessClosesAnOpenCircuit() {
        fail(3);
        circuit.onSuccess();
        assertThat(circuit.phase()).isEqualTo(Phase.CLOSED);
    }

    @Test
    void aFailureWhileOpenDoesNotExtendTheCooldown() {
        fail(3);
        advanceSeconds(20);
        fail(3);
        advanceSeconds(10);
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void aClockReadBehindTheNewestBucketStillCounts() {
        advanceSeconds(5);
        fail(1);
        now.addAndGet(-2 * SECOND);
        fail(1);
        advanceSeconds(2);
        fail(1);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
    }

    @Test
    void aTinyWindowStillCounts() {
        CircuitBreaker tiny = new CircuitBreaker(new BreakerSettings(true, 2, 1, 1), now::get);
        tiny.onFailure();
        tiny.onFailure();
        assertThat(tiny.phase()).isEqualTo(Phase.OPEN);
        advanceSeconds(1);
        assertThat(tiny.tryAcquire()).isTrue();
    }

    @Test
    void aDisabledCircuitLetsEverythingThroughAndRecordsNothing() {
        CircuitBreaker off = new CircuitBreaker(new BreakerSettings(false, 1, 10, 30), now::get);
        off.onFailure();
        assertThat(off.tryAcquire()).isTrue();
        assertThat(off.phase()).isEqualTo(Phase.CLOSED);
        off.onIgnore();
        off.onSuccess();
        assertThat(off.phase()).isEqualTo(Phase.CLOSED);
        assertThat(off.settings().enabled()).isFalse();
    }
}
