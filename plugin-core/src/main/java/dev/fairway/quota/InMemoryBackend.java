package dev.fairway.quota;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AbstractProxyManager;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.remote.CommandResult;
import io.github.bucket4j.distributed.remote.MutableBucketEntry;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.github.bucket4j.distributed.remote.Request;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Buckets in this process's memory, behind Bucket4j's own proxy-manager machinery (the same
 * commands the Redis backend runs in Lua) over a bounded Caffeine cache. A bucket's state expires
 * by {@link QuotaBackend#EXPIRY}, exactly as a Redis key does, and Caffeine evicts it on its own
 * maintenance executor: no request thread sweeps, and no lock is ours (Caffeine's {@code compute}
 * serialises the commands of one key, as Redis's single thread does).
 */
final class InMemoryBackend implements QuotaBackend {
    /**
     * Buckets kept at most: a few hundred bytes each, so tens of MB at the bound. Beyond it the
     * least useful buckets (Caffeine's frequency-based policy) are forgotten, and a forgotten key
     * starts again with a full bucket: under a flood of distinct keys a rare key may get a fresh
     * window, but memory stays bounded whatever clients send.
     */
    static final long MAX_BUCKETS = 100_000;

    private final Cache<String, RemoteBucketState> states;
    private final AsyncProxyManager<String> buckets;

    InMemoryBackend(TimeMeter clock, long maxBuckets) {
        requireNonNull(clock, "clock");
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("maxBuckets: %s (expected: >= 1)".formatted(maxBuckets));
        }
        this.states = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                // Caffeine's time is the buckets' time, so expiry follows the clock tests move.
                .ticker(clock::currentTimeNanos)
                .expireAfter(new AfterRefill(EXPIRY))
                .build();
        this.buckets = new Manager(states, ClientSideConfig.getDefault()
                .withClientClock(clock)
                .withExpirationAfterWriteStrategy(EXPIRY)).asAsync();
    }

    @Override
    public CompletableFuture<AsyncBucketProxy> bucket(String key, BucketConfiguration configuration) {
        requireNonNull(key, "key");
        requireNonNull(configuration, "configuration");
        CompletableFuture<BucketConfiguration> config = CompletableFuture.completedFuture(configuration);
        return CompletableFuture.completedFuture(buckets.builder().build(key, () -> config));
    }

    @Override
    public String describe() {
        return "memory";
    }

    /** Buckets held now, after Caffeine's pending expiry and eviction work. */
    long size() {
        states.cleanUp();
        return states.estimatedSize();
    }

    @Override
    public void close() {
        states.invalidateAll();
    }

    /** A key lives until its bucket would be full again (plus the strategy's margin); reads change nothing. */
    private record AfterRefill(ExpirationAfterWriteStrategy strategy) implements Expiry<String, RemoteBucketState> {
        @Override
        public long expireAfterCreate(String key, RemoteBucketState state, long nowNanos) {
            // Saturating: Bucket4j keeps a refill time within a long of nanoseconds, the margin may not.
            return TimeUnit.MILLISECONDS.toNanos(strategy.calculateTimeToLiveMillis(state, nowNanos));
        }

        @Override
        public long expireAfterUpdate(String key, RemoteBucketState state, long nowNanos, long remainingNanos) {
            return expireAfterCreate(key, state, nowNanos);
        }

        @Override
        public long expireAfterRead(String key, RemoteBucketState state, long nowNanos, long remainingNanos) {
            return remainingNanos;
        }
    }

    /** Runs each Bucket4j command on a copy of the key's state inside Caffeine's per-key compute. */
    private static final class Manager extends AbstractProxyManager<String> {
        private final Cache<String, RemoteBucketState> states;

        Manager(Cache<String, RemoteBucketState> states, ClientSideConfig config) {
            super(config);
            this.states = states;
        }

        @Override
        protected <T> CommandResult<T> execute(String key, Request<T> request) {
            @SuppressWarnings("unchecked")
            CommandResult<T>[] result = new CommandResult[1];
            long now = request.getClientSideTime() != null ? request.getClientSideTime() : currentTimeNanos();
            states.asMap().compute(key, (k, previous) -> {
                // A copy: a command that fails half-way leaves the stored state as it was.
                MutableBucketEntry entry = new MutableBucketEntry(previous == null ? null : previous.copy());
                result[0] = request.getCommand().execute(entry, now);
                return entry.isStateModified() ? entry.get() : previous;
            });
            return result[0];
        }

        @Override
        protected <T> CompletableFuture<CommandResult<T>> executeAsync(String key, Request<T> request) {
            return CompletableFuture.completedFuture(execute(key, request));
        }

        @Override
        public boolean isAsyncModeSupported() {
            return true;
        }

        @Override
        public boolean isExpireAfterWriteSupported() {
            return true;
        }

        @Override
        public void removeProxy(String key) {
            states.invalidate(key);
        }

        @Override
        protected CompletableFuture<Void> removeAsync(String key) {
            states.invalidate(key);
            return CompletableFuture.completedFuture(null);
        }
    }
}
