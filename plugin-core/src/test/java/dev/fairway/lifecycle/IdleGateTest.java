package dev.fairway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class IdleGateTest {
    private static final long TEN_SECONDS = Duration.ofSeconds(10).toNanos();

    @Test
    void theWaiterKeepsItsClassAndIsLetThroughByAHelperInTheIdleClass() throws Exception {
        assumeTrue(IdleSchedulingTest.linuxWithForeignFunctions(), "SCHED_IDLE needs Linux and JDK 22+");
        CompletableFuture<Integer> helperPolicy = new CompletableFuture<>();
        try (IdleGate gate = IdleGate.start("idle-gate-test").orElseThrow()) {
            for (int i = 0; i < 3; i++) {
                assertThat(gate.await(TEN_SECONDS)).isTrue();
            }
            assertThat(gate.grants()).isEqualTo(3);
            assertThat(IdleSchedulingTest.policyOfCurrentThread()).as("the waiter's policy").isZero();
            helperPolicy.complete(IdleSchedulingTest.policyOfThread("idle-gate-test"));
        }
        assertThat(helperPolicy.get()).as("the helper's policy").isEqualTo(5);
    }

    @Test
    void aClosedGateLetsNothingThrough() throws Exception {
        assumeTrue(IdleSchedulingTest.linuxWithForeignFunctions(), "SCHED_IDLE needs Linux and JDK 22+");
        IdleGate gate = IdleGate.start("idle-gate-closed").orElseThrow();
        gate.close();
        assertThat(gate.await(TEN_SECONDS)).isFalse();
    }
}
