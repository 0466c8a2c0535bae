package dev.fairway.balance;

import static java.util.Objects.requireNonNull;

import dev.fairway.plan.Member;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.retry.RetryRule;
import io.github.bucket4j.BucketConfiguration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A pool member as one request's plan holds it: its settings and the process's figures for it. */
final class PoolMember implements Member {
    private static final Logger LOG = LoggerFactory.getLogger(PoolMember.class);

    private final String name;
    private final MemberStats stats;
    private final PoolSettings pool;
    private final LongSupplier nanos;
    private final QuotaBackend limits;
    /** The member's rate-limit bucket key, or null when it has no limit. */
    private final String bucketKey;
    private final BucketConfiguration bucket;

    PoolMember(String name, MemberStats stats, PoolSettings pool, LongSupplier nanos, QuotaBackend limits, String bucketKey,
               BucketConfiguration bucket) {
        this.name = requireNonNull(name, "name");
        this.stats = requireNonNull(stats, "stats");
        this.pool = requireNonNull(pool, "pool");
        this.nanos = requireNonNull(nanos, "nanos");
        this.limits = requireNonNull(limits, "limits");
        this.bucketKey = bucketKey;
        this.bucket = bucket;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Boolean> admit() {
        if (bucketKey == null) {
            return CompletableFuture.completedFuture(true);
        }
        return limits.bucket(bucketKey, bucket).thenCompose(b -> b.tryConsume(1)).exceptionally(t -> {
            // Like a quota's fail_open: a store outage must not take every member of the pool out.
            LOG.warn("the rate limit of pool member {} could not be checked ({}); admitting", name, t.toString());
            return true;
        });
    }

    @Override
    public void started() {
        stats.started();
    }

    @Override
    public void finished(RetryRule.Health health, int status, long took) {
        stats.ended();
        if (status > 0 && status < 400) {
            stats.sample(took);
        }
        // A 429 counts against the member whatever the route retries on: a throttled key is one to leave alone for a while.
        if (health == RetryRule.Health.FAILURE || status == 429) {
            stats.health.onFailure(nanos.getAsLong(), pool.ejectAfter(), pool.cooldownSeconds() * 1_000_000_000L);
        } else if (health == RetryRule.Health.SUCCESS) {
            stats.health.onSuccess();
        }
    }

    @Override
    public String toString() {
        return "member " + name;
    }
}
