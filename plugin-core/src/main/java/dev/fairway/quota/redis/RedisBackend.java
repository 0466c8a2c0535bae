package dev.fairway.quota.redis;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RedisSettings;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.redis.RedisConnector;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Quota buckets in Redis through Bucket4j's Lettuce backend (compare-and-swap Lua scripts), so
 * that every gateway process pointed at the same Redis enforces one limit. Everything is
 * asynchronous: no event loop ever waits for Redis. The connection's rules (fail fast while
 * disconnected, a timeout per command, connect again after a failed first attempt) are
 * {@link RedisConnector}'s, shared with the cache's Redis tier.
 */
public final class RedisBackend implements QuotaBackend {
    private final RedisConnector redis;
    private final String prefix;
    private final TimeMeter clock;
    private final Object lock = new Object();
    /** Set once connected: every later quota check reads it without taking {@link #lock}. */
    private volatile CompletableFuture<AsyncProxyManager<byte[]>> ready;
    private AsyncProxyManager<byte[]> buckets;
    private boolean closed;

    private RedisBackend(RedisSettings settings, TimeMeter clock) {
        this.redis = new RedisConnector(settings);
        this.prefix = settings.keyPrefix();
        this.clock = clock;
    }

    /** A backend on {@code settings}; connects in the background, so an absent Redis does not stop the gateway. */
    public static RedisBackend create(RedisSettings settings, TimeMeter clock) {
        RedisBackend backend = new RedisBackend(requireNonNull(settings, "settings"), requireNonNull(clock, "clock"));
        backend.connected();
        return backend;
    }

    @Override
    public CompletableFuture<AsyncBucketProxy> bucket(String key, BucketConfiguration configuration) {
        requireNonNull(key, "key");
        requireNonNull(configuration, "configuration");
        byte[] redisKey = (prefix + key).getBytes(StandardCharsets.UTF_8);
        CompletableFuture<BucketConfiguration> config = CompletableFuture.completedFuture(configuration);
        return connected().thenApply(manager -> manager.builder().build(redisKey, () -> config));
    }

    @Override
    public CompletableFuture<Void> ping() {
        return connected().thenCompose(manager -> redis.connection())
                .thenCompose(c -> c.async().ping().toCompletableFuture().thenApply(pong -> (Void) null));
    }

    @Override
    public String describe() {
        return redis.describe();
    }

    private CompletableFuture<AsyncProxyManager<byte[]>> connected() {
        CompletableFuture<AsyncProxyManager<byte[]>> r = ready;
        if (r != null) {
            return r;
        }
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("quota store closed"));
            }
        }
        return redis.connection().thenApply(this::managerFor);
    }

    private AsyncProxyManager<byte[]> managerFor(StatefulRedisConnection<byte[], byte[]> c) {
        synchronized (lock) {
            if (buckets == null) {
                buckets = Bucket4jLettuce.casBasedBuilder(c)
                        .clientClock(clock)
                        // The rule every backend shares: a key disappears once its bucket would be full again.
                        .expirationAfterWrite(EXPIRY)
                        .build()
                        .asAsync();
                if (!closed) {
                    ready = CompletableFuture.completedFuture(buckets);
                }
            }
            return buckets;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ready = null;
        }
        redis.close();
    }
}
