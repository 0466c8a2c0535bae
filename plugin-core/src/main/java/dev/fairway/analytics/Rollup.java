package dev.fairway.analytics;

/** Counters of one rollup key over one minute, or the sum of several when a query adds them up. */
final class Rollup {
    long requests;
    long cached;
    /** Of {@link #cached}, the answers from the semantic cache (the rest matched exactly). */
    long semanticCached;
    long errors;
    long tokensIn;
    long tokensOut;
    long tokensCachedIn;
    double costUsd;
    /** Feedback given through {@code PATCH /logs/{id}} (only the log store knows it). */
    long feedbackUp;
    long feedbackDown;
    long scoreSum;
    long scoreCount;
    final LatencyHistogram latency = new LatencyHistogram();
    final LatencyHistogram ttfb = new LatencyHistogram();

    synchronized void add(Observation o) {
        requests++;
        if (o.cached()) {
            cached++;
        }
        if (o.semantic()) {
            semanticCached++;
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
        requests += r.requests();
        cached += r.cached();
        semanticCached += r.semanticCached();
        errors += r.errors();
        tokensIn += r.tokensIn();
        tokensOut += r.tokensOut();
        tokensCachedIn += r.tokensCached();
        costUsd += r.costUsd();
        feedbackUp += r.feedbackUp();
        feedbackDown += r.feedbackDown();
        scoreSum += r.scoreSum();
        scoreCount += r.scoreCount();
        for (int b = 0; b < dev.fairway.logstore.LogStore.AggregateRow.buckets(); b++) {
            latency.addBucket(b, r.latency(b));
            ttfb.addBucket(b, r.ttfb(b));
        }
    }

    /** Adds {@code other} into this one; {@code other} is read under its own lock. */
    void addAll(Rollup other) {
        synchronized (other) {
            requests += other.requests;
            cached += other.cached;
            semanticCached += other.semanticCached;
            errors += other.errors;
            tokensIn += other.tokensIn;
            tokensOut += other.tokensOut;
            tokensCachedIn += other.tokensCachedIn;
            costUsd += other.costUsd;
            feedbackUp += other.feedbackUp;
            feedbackDown += other.feedbackDown;
            scoreSum += other.scoreSum;
            scoreCount += other.scoreCount;
            latency.addAll(other.latency);
            ttfb.addAll(other.ttfb);
        }
    }
}
