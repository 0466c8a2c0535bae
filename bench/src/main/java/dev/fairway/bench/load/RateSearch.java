package dev.fairway.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.LongSupplier;

/**
 * The highest offered rate that still keeps the service level: rates grow by a factor until one
 * fails, then the gap between the last kept and the first failed rate is halved until it is within
 * 10 %. Bounded by a number of steps and a time budget, whichever ends first.
 */
final class RateSearch {
    /** One probed rate. */
    record Step(double rate, boolean kept, Outcome outcome) {}

    /** @param best the highest rate kept, 0 when even the first failed */
    record Result(double best, boolean ceilingReached, List<Step> steps) {}

    private final double start;
    private final double factor;
    private final double ceiling;
    private final int maxSteps;
    private final long budgetNanos;
    private final double p99LimitMicros;
    private final LongSupplier nanoClock;

    RateSearch(double start, double factor, double ceiling, int maxSteps, long budgetNanos, double p99LimitMicros,
               LongSupplier nanoClock) {
        if (start <= 0 || factor <= 1 || ceiling < start || maxSteps < 1) {
            throw new IllegalArgumentException("rate search: start %s, factor %s, ceiling %s, steps %s (expected: start > 0, factor > 1, ceiling >= start, steps >= 1)"
                    .formatted(start, factor, ceiling, maxSteps));
        }
        this.start = start;
        this.factor = factor;
        this.ceiling = ceiling;
        this.maxSteps = maxSteps;
        this.budgetNanos = budgetNanos;
        this.p99LimitMicros = p99LimitMicros;
        this.nanoClock = nanoClock;
    }

    Result run(DoubleFunction<Outcome> probe) {
        long began = nanoClock.getAsLong();
        List<Step> steps = new ArrayList<>();
        double best = 0;
        double failed = Double.NaN;
        double rate = start;
        while (steps.size() < maxSteps && nanoClock.getAsLong() - began < budgetNanos) {
            Step step = probe(probe, rate);
            steps.add(step);
            if (!step.kept()) {
                failed = rate;
                break;
            }
            best = rate;
            if (rate >= ceiling) {
                return new Result(best, true, steps);
            }
            rate = Math.min(rate * factor, ceiling);
        }
        while (best > 0 && !Double.isNaN(failed) && (failed - best) / best > 0.10
                && steps.size() < maxSteps && nanoClock.getAsLong() - began < budgetNanos) {
            double mid = Math.round((best + failed) / 2);
            Step step = probe(probe, mid);
            steps.add(step);
            if (step.kept()) {
                best = mid;
            } else {
                failed = mid;
            }
        }
        return new Result(best, false, steps);
    }

    private Step probe(DoubleFunction<Outcome> probe, double rate) {
        Outcome o = probe.apply(rate);
        return new Step(rate, o.keeps(p99LimitMicros), o);
    }
}
