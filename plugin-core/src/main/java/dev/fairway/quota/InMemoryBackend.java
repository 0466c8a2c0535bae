package dev.fairway.quota;

import static java.util.Objects.requireNonNull;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.AsyncBucketProxyAdapter;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Lock-free Bucket4j buckets in a map; one gateway process. */
final class InMemoryBackend implements QuotaBackend {
    private static final long SWEEP_INTERVAL_NANOS = 60_000_000_000L;

    private final TimeMeter clock;
    private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    InMemoryBackend(TimeMeter clock) {
        this.clock = requireNonNull(clock, "clock");
        this.lastSweep = new AtomicLong(clock.currentTimeNanos());
    }

    @Override
    public CompletableFuture<AsyncBucketProxy> bucket(String key, BucketConfiguration configuration) {
        requireNonNull(key, "key");
        requireNonNull(configuration, "configuration");
        maybeSweep();
        return CompletableFuture.completedFuture(buckets.computeIfAbsent(key, k -> newEntry(configuration)).async);
    }

    @Override
    public String describe() {
        return "memory";
    }

    /** Buckets held now; keys whose bucket refilled completely are dropped from time to time. */
    int size() {
        return buckets.size();
    }

    private Entry newEntry(BucketConfiguration configuration) {
        LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(clock);
        for (Bandwidth b : configuration.getBandwidths()) {
            builder.addLimit(b);
        }
        LocalBucket bucket = builder.build();
        return new Entry(bucket, AsyncBucketProxyAdapter.fromSync(bucket), capacity(configuration));
    }

    private static long capacity(BucketConfiguration configuration) {
        long min = Long.MAX_VALUE;
        for (Bandwidth b : configuration.getBandwidths()) {
            min = Math.min(min, b.getCapacity());
        }
        return min;
    }

    /**
     * A full bucket is indistinguishable from a new one, so dropping it loses nothing; this keeps
     * high-cardinality keys (metadata.user) from growing the map forever. A request racing the sweep
     * may take from a bucket just dropped: at most that one request goes uncounted, on a key that
     * was idle long enough to refill completely.
     */
    private void maybeSweep() {
        long now = clock.currentTimeNanos();
        long last = lastSweep.get();
        if (now - last < SWEEP_INTERVAL_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.forEach((key, entry) -> {
            if (entry.bucket.getAvailableTokens() >= entry.capacity) {
                buckets.remove(key, entry);
            }
        });
    }

    @Override
    public void close() {
        buckets.clear();
    }

    private record Entry(LocalBucket bucket, AsyncBucketProxy async, long capacity) {}
}
