package dev.fairway.quota;

import dev.fairway.config.QuotaRule;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.time.Instant;

/** The one mapping of a rule's limit, window and technique onto a Bucket4j bucket (see {@link CompiledRule}). */
public final class RuleBuckets {
    private RuleBuckets() {}

    /** The bucket of a validated {@code rule}. */
    public static BucketConfiguration configuration(QuotaRule rule) {
        long limit = rule.limitUnits();
        Duration window = rule.windowDuration();
        Bandwidth bandwidth = rule.technique() == QuotaRule.Technique.FIXED
                ? Bandwidth.builder().capacity(limit).refillIntervallyAligned(limit, window, Instant.EPOCH).build()
                : Bandwidth.builder().capacity(limit).refillGreedy(limit, window).build();
        return BucketConfiguration.builder().addLimit(bandwidth).build();
    }
}
