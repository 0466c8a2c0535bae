package dev.fairway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The rate search against a fake server that holds its p99 up to a known rate; the clock is injected. */
class RateSearchTest {
    private final AtomicLong now = new AtomicLong();
    private final List<Double> probed = new ArrayList<>();

    /** A server whose p99 is 5 ms up to {@code capacity} req/s and 500 ms beyond; each probe takes 4 s. */
    private Outcome server(double rate, double capacity) {
        probed.add(rate);
        now.addAndGet(TimeUnit.SECONDS.toNanos(4));
        Histogram h = new Histogram(3);
        h.recordValueWithCount(rate <= capacity ? 5_000 : 500_000, 100);
        return new Outcome("fake", "miss", rate, 4, 100, 100, 0, h, h);
    }

    private RateSearch search(int maxSteps, long budgetSeconds) {
        return new RateSearch(500, 2, 64_000, maxSteps, TimeUnit.SECONDS.toNanos(budgetSeconds), 50_000, now::get);
    }

    @Test
    void doublesUntilAFailureThenNarrowsTheGapToTenPercent() {
        RateSearch.Result r = search(20, 3600).run(rate -> server(rate, 3_000));

        assertThat(probed).startsWith(500.0, 1000.0, 2000.0, 4000.0, 3000.0);
        assertThat(r.best()).isBetween(3_000 * 0.9, 3_000.0);
        assertThat(r.ceilingReached()).isFalse();
    }

    @Test
    void aServerThatFailsTheFirstRateHasNoBestRate() {
        RateSearch.Result r = search(20, 3600).run(rate -> server(rate, 100));

        assertThat(r.best()).isZero();
        assertThat(probed).containsExactly(500.0);
    }

    @Test
    void stopsAtTheStepAndTimeBounds() {
        search(3, 3600).run(rate -> server(rate, 1e9));
        assertThat(probed).hasSize(3);

        probed.clear();
        search(100, 10).run(rate -> server(rate, 1e9));
        assertThat(probed).hasSize(3); // 0 s, 4 s, 8 s started; the fourth would start at 12 s
    }

    @Test
    void stopsAtTheCeilingAndSaysSo() {
        RateSearch.Result r = search(100, 3600).run(rate -> server(rate, 1e9));

        assertThat(r.best()).isEqualTo(64_000.0);
        assertThat(r.ceilingReached()).isTrue();
    }
}
