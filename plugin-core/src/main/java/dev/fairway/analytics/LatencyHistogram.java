package dev.fairway.analytics;

/**
 * Latencies in 64 log-spaced buckets of milliseconds, each 2^(1/3) (about 26%) wider than the one
 * before, from 1 ms up to about 35 minutes; the last bucket takes everything longer. Percentiles
 * interpolate inside a bucket, so they are within one bucket width of the exact value. Dense and
 * fixed-size so that the store's memory bound is a simple product; not thread-safe (its rollup
 * guards it).
 */
public final class LatencyHistogram {
    static final int BUCKETS = 64;
    private static final double STEPS_PER_DOUBLING = 3;

    private final int[] counts = new int[BUCKETS];
    private long total;

    /** Upper bound of bucket {@code i}, in milliseconds. */
    static double upperMillis(int i) {
        return Math.pow(2, i / STEPS_PER_DOUBLING);
    }

    public static int bucketOf(double millis) {
        if (millis <= 1) {
            return 0;
        }
        int i = (int) Math.ceil(Math.log(millis) / Math.log(2) * STEPS_PER_DOUBLING - 1e-9);
        return Math.min(i, BUCKETS - 1);
    }

    void add(long nanos) {
        counts[bucketOf(nanos / 1e6)]++;
        total++;
    }

    /** Adds {@code count} values known to fall in bucket {@code i} (the log store counts by bucket). */
    void addBucket(int i, long count) {
        counts[Math.max(0, Math.min(i, BUCKETS - 1))] += (int) count;
        total += count;
    }

    void addAll(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    long total() {
        return total;
    }

    /** The {@code q} quantile in milliseconds, or null when empty. */
    Double quantile(double q) {
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] == 0) {
                continue;
            }
            if (seen + counts[i] >= rank) {
                double lower = i == 0 ? 0 : upperMillis(i - 1);
                double upper = upperMillis(i);
                double within = (rank - seen) / counts[i];
                return lower + (upper - lower) * Math.max(0, Math.min(1, within));
            }
            seen += counts[i];
        }
        return upperMillis(BUCKETS - 1);
    }
}
