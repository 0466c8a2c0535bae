package dev.fairway.quota;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where quota buckets live, in the manner of Bucket4j's proxy managers: this process's memory
 * ({@link #inMemory}) or a store several gateway processes share (Redis, in {@code quota.redis}).
 * Every backend passes the same compatibility test kit, so the stage cannot tell them apart except
 * by failures.
 */
public interface QuotaBackend extends AutoCloseable {

    /**
     * When every backend forgets a bucket: 10 s after it would be full again. A full bucket holds
     * nothing a new one would not, so this loses nothing and keeps high-cardinality keys
     * ({@code metadata.user}) from accumulating.
     */
    ExpirationAfterWriteStrategy EXPIRY = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

    /**
     * The bucket stored under {@code key}, created with {@code configuration} on first use. The
     * future fails when the store cannot be reached; the bucket's own operations may fail later for
     * the same reason. Never blocks the caller.
     */
    CompletableFuture<AsyncBucketProxy> bucket(String key, BucketConfiguration configuration);

    /**
     * Completes when the store answers right now (Redis: a PING); fails when it cannot be reached.
     * Readiness asks this; memory always answers.
     */
    default CompletableFuture<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    /** A short description for logs (never a credential): {@code memory}, {@code redis 10.0.0.5:6379}. */
    String describe();

    @Override
    void close();

    /** Buckets in this process's memory, timed by {@code clock}, at most {@code InMemoryBackend.MAX_BUCKETS} of them. */
    static QuotaBackend inMemory(TimeMeter clock) {
        return new InMemoryBackend(clock, InMemoryBackend.MAX_BUCKETS);
    }
}
