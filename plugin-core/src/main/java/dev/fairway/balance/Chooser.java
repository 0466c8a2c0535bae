package dev.fairway.balance;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Orders a pool's admitted members by its strategy: the first is the member a request goes to,
 * the rest are where a failure that would be retried or fall back goes next. Deterministic for a
 * given random source, so tests seed it.
 */
final class Chooser {
    /** A member as the chooser sees it. */
    record Candidate(int weight, int outstanding, double latencyNanos) {}

    private final DoubleSupplier random;

    Chooser(DoubleSupplier random) {
        this.random = requireNonNull(random, "random");
    }

    /** Indexes into {@code candidates}, in the order to try them. */
    int[] order(Strategy strategy, List<Candidate> candidates) {
        List<Integer> left = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            left.add(i);
        }
        int[] out = new int[candidates.size()];
        for (int k = 0; k < out.length; k++) {
            int pos = pick(strategy, candidates, left);
            out[k] = left.remove(pos);
        }
        return out;
    }

    /** The position in {@code left} of the next member. */
    private int pick(Strategy strategy, List<Candidate> all, List<Integer> left) {
        if (left.size() == 1) {
            return 0;
        }
        return switch (strategy) {
            case WEIGHTED_RANDOM -> weighted(all, left, -1);
            case LEAST_OUTSTANDING -> leastOutstanding(all, left);
            case LOWEST_LATENCY -> {
                int a = weighted(all, left, -1);
                int b = weighted(all, left, a);
                yield cost(all.get(left.get(b))) < cost(all.get(left.get(a))) ? b : a;
            }
        };
    }

    /** Power of two choices: the latency average scaled by the attempts already waiting on it. */
    private static double cost(Candidate c) {
        return c.latencyNanos() * (c.outstanding() + 1);
    }

    /** A position drawn in proportion to weight, other than {@code except}. */
    private int weighted(List<Candidate> all, List<Integer> left, int except) {
        long total = 0;
        for (int i = 0; i < left.size(); i++) {
            total += i == except ? 0 : all.get(left.get(i)).weight();
        }
        double r = random.getAsDouble() * total;
        int chosen = -1;
        for (int i = 0; i < left.size(); i++) {
            if (i == except) {
                continue;
            }
            chosen = i;
            r -= all.get(left.get(i)).weight();
            if (r < 0) {
                break;
            }
        }
        return chosen;
    }

    /** The fewest in flight; a tie is drawn by weight among the tied. */
    private int leastOutstanding(List<Candidate> all, List<Integer> left) {
        int min = Integer.MAX_VALUE;
        for (int i : left) {
            min = Math.min(min, all.get(i).outstanding());
        }
        List<Integer> tied = new ArrayList<>();
        for (int i = 0; i < left.size(); i++) {
            if (all.get(left.get(i)).outstanding() == min) {
                tied.add(left.get(i));
            }
        }
        int pick = weighted(all, tied, -1);
        return left.indexOf(tied.get(pick));
    }
}
