package dev.fairway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.testing.Allocation;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: with tracing off no recorder offers a {@link StageWatch}, so the gateway keeps no stage
 * names and its step loop takes the path without a watch: the hooks tracing uses cost nothing.
 */
class StageWatchOffTest {
    private static final Step DECIDING = new Step() {
        @Override
        public CompletableFuture<Verdict> beforeDispatch() {
            return Verdict.PROCEED_NOW;
        }
    };
    private static final Step RECORDER = new Step() {};

    @Test
    void withoutAWatchingRecorderNoStageNameIsKeptAndNothingIsAllocated() {
        double perExchange = Allocation.perRun(20_000, () -> {
            Steps steps = new Steps();
            steps.listen(RECORDER);
            steps.add("cache", DECIDING);
            steps.add("quota", DECIDING);
            if (steps.watch() != null || steps.name(0) != null) {
                throw new AssertionError("a watch without tracing");
            }
        });
        // Steps itself (at most 32 bytes with its two reference fields for tracing) and its step list (list,
        // array) are all there is: no object for stage names or a watch, no future per step.
        Steps probe = new Steps();
        probe.listen(RECORDER);
        probe.add("cache", DECIDING);
        assertThat(probe.watch()).isNull();
        assertThat(probe.name(0)).isNull();
        assertThat(perExchange).as("bytes per exchange for Steps with two deciding steps and no watch").isLessThanOrEqualTo(
                Allocation.perRun(20_000, () -> {
                    java.util.List<Step> list = new java.util.ArrayList<>(6);
                    list.add(RECORDER);
                    list.add(0, DECIDING);
                    list.add(0, DECIDING);
                    blackhole = list;
                }) + 32 + 1);
    }

    @Test
    void aWatchingRecorderNamesEveryDecidingStep() {
        StageWatch watch = stage -> (answered, failure) -> { };
        Steps steps = new Steps();
        steps.listen(new Step() {
            @Override
            public StageWatch stageWatch() {
                return watch;
            }
        });
        steps.add("guardrail", Step.NONE);
        steps.add("quota", DECIDING);
        steps.add("cache", DECIDING);
        assertThat(steps.watch()).isSameAs(watch);
        assertThat(steps.name(0)).isEqualTo("quota");
        assertThat(steps.name(1)).isEqualTo("cache");
        assertThat(steps.name(2)).as("the recorder's step").isNull();
    }

    private static Object blackhole;
}
