package dev.fairway.analytics;

/** Counters of one rollup key over one minute, or the sum of several when a query adds them up. */
final class Rollup {
    long requests;
    long cached;
    long errors;
    long tokensIn;
    long tokensOut;
    long tokensCachedIn;
    double costUsd;
    final LatencyHistogram latency = new LatencyHistogram();
    final LatencyHistogram ttfb = new LatencyHistogram();

    synchronized void add(Observation o) {
        requests++;
        if (o.cached()) {
            cached++;
        }
        if (o.error()) {
            errors++;
        }
        tokensIn += o.tokensIn();
        tokensOut += o.tokensOut();
        tokensCachedIn += o.tokensCachedIn();
        if (o.costUsd() != null) {
            costUsd += o.costUsd();
        }
        latency.add(o.durationNanos());
        if (o.ttfbNanos() >= 0) {
            ttfb.add(o.ttfbNanos());
        }
    }

    /** Adds one cell of the log store's aggregates ({@code logstore.LogStore.AggregateRow}). */
    synchronized void add(dev.fairway.logstore.LogStore.AggregateRow r) {
        if (r.latencyBucket() >= 0) {
            requests += r.requests();
            cached += r.cached();
            errors += r.errors();
            tokensIn += r.tokensIn();
            tokensOut += r.tokensOut();
            tokensCachedIn += r.tokensCached();
            costUsd += r.costUsd();
            latency.addBucket(r.latencyBucket(), r.requests());
        } else if (r.ttfbBucket() >= 0) {
            ttfb.addBucket(r.ttfbBucket(), r.requests());
        }
    }

    /** Adds {@code other} into this one; {@code other} is read under its own lock. */
    void addAll(Rollup other) {
        synchronized (other) {
            requests += other.requests;
            cached += other.cached;
            errors += other.errors;
            tokensIn += other.tokensIn;
            tokensOut += other.tokensOut;
            tokensCachedIn += other.tokensCachedIn;
            costUsd += other.costUsd;
            latency.addAll(other.latency);
            ttfb.addAll(other.ttfb);
        }
    }
}
