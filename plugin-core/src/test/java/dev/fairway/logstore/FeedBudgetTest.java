package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The feeder's pauses keep it to its share of a core while the backlog is small, and only then. */
class FeedBudgetTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong cpu = new AtomicLong();
    private final AtomicLong wall = new AtomicLong();

    @Test
    void pausesSoThatTheCpuUsedIsTheShareOfTheTimePassed() {
        FeedBudget budget = new FeedBudget(25, FeedBudget.BACKLOG_LIMIT, cpu::get, wall::get);
        work(10 * MS, 10 * MS);
        // 10 ms of CPU is 25% of 40 ms: 30 ms more to wait.
        assertThat(budget.pauseNanos(0)).isEqualTo(30 * MS);
        wall.addAndGet(30 * MS);
        // Waiting for a database (wall time without CPU) counts towards the pause.
        work(10 * MS, 25 * MS);
        assertThat(budget.pauseNanos(0)).isEqualTo(15 * MS);
        wall.addAndGet(15 * MS);
        work(1 * MS, 10 * MS);
        assertThat(budget.pauseNanos(0)).isZero();
    }

    @Test
    void aLargeBacklogOrAFullShareNeverPauses() {
        FeedBudget budget = new FeedBudget(10, FeedBudget.BACKLOG_LIMIT, cpu::get, wall::get);
        work(10 * MS, 10 * MS);
        assertThat(budget.pauseNanos(FeedBudget.BACKLOG_LIMIT)).isZero();
        FeedBudget full = new FeedBudget(100, FeedBudget.BACKLOG_LIMIT, cpu::get, wall::get);
        work(10 * MS, 10 * MS);
        assertThat(full.pauseNanos(0)).isZero();
    }

    @Test
    void idleTimeIsNotCreditedToTheNextBurstAndPausesAreCapped() {
        FeedBudget budget = new FeedBudget(50, FeedBudget.BACKLOG_LIMIT, cpu::get, wall::get);
        wall.addAndGet(10_000 * MS); // nothing to feed for 10 s
        budget.mark();
        work(10 * MS, 10 * MS);
        assertThat(budget.pauseNanos(0)).isEqualTo(10 * MS);
        work(5_000 * MS, 5_000 * MS);
        assertThat(budget.pauseNanos(0)).isEqualTo(FeedBudget.MAX_PAUSE_NANOS);
    }

    @Test
    void theShareIsAPercentOfOneCore() {
        assertThatThrownBy(() -> new FeedBudget(0, FeedBudget.BACKLOG_LIMIT, cpu::get, wall::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FeedBudget(101, FeedBudget.BACKLOG_LIMIT, cpu::get, wall::get)).isInstanceOf(IllegalArgumentException.class);
    }

    private void work(long cpuNanos, long wallNanos) {
        cpu.addAndGet(cpuNanos);
        wall.addAndGet(wallNanos);
    }
}
