package dev.fairway.cache;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.SharedCacheSettings;
import dev.fairway.redis.RedisConnector;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The shared second tier: entries in Redis under the same key as in this process's tiers, living
 * exactly as long as their TTL has left, plus the lease by which one process at a time goes
 * upstream for a key ({@code SET NX PX}; a holder that dies releases it by expiry). A leader looks
 * for the entry and tries for the lease in one script ({@link #entryOrLease}): as two commands, a
 * holder could store its answer and give the lease back between them, and the leader would take
 * the free lease and go upstream for an answer Redis already holds.
 *
 * <p>Every method is asynchronous and never completes exceptionally: a failed or slow command
 * counts against {@link SharedHealth} and answers as if Redis held nothing (a miss, a granted
 * lease), so an outage costs sharing, never a client error. Encoding and decoding run on the
 * cache's own pool, not on Redis's I/O threads nor the caller's.
 */
final class RedisTier implements AutoCloseable {
    /** Deletes the lease only when it is still ours: an expired lease may be someone else's by now. */
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    /** The entry, else the lease taken for this process (ARGV[1] its owner, ARGV[2] milliseconds), else neither. */
    private static final String ENTRY_OR_LEASE = "local v = redis.call('get', KEYS[1]) if v then return {1, v} end "
            + "if redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end return {0}";

    /** What one look at a key found: the entry, if any, and whether a lease on it is still held. */
    record Look(CachedResponse entry, boolean leased) {}

    /** What a leader's one step found: the entry; else whether it took the lease (false: another process holds it). */
    record Claim(CachedResponse entry, boolean leased) {}

    private final RedisConnector redis;
    private final String prefix;
    private final SharedCacheSettings settings;
    private final Clock clock;
    private final Executor codecPool;
    private final SharedHealth health;
    private final byte[] owner = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);

    RedisTier(RedisConnector redis, SharedCacheSettings settings, Clock clock, Executor codecPool) {
        this.redis = requireNonNull(redis, "redis");
        this.settings = requireNonNull(settings, "settings");
        this.prefix = settings.keyPrefix();
        this.clock = requireNonNull(clock, "clock");
        this.codecPool = requireNonNull(codecPool, "codecPool");
        this.health = new SharedHealth(redis.describe());
    }

    SharedHealth health() {
        return health;
    }

    /** The live entry under {@code key} no larger than {@code maxBodyBytes}, or null. */
    CompletableFuture<CachedResponse> get(String key, int maxBodyBytes) {
        return command(c -> c.get(entryKey(key)), null)
                .thenApplyAsync(bytes -> decode(bytes, maxBodyBytes), codecPool)
                .exceptionally(t -> null);
    }

    /** Stores {@code entry} for what is left of its TTL; completes once Redis answered (or failed). */
    CompletableFuture<Void> put(String key, CachedResponse entry) {
        long ttlMillis = entry.expiresAtMillis() - clock.millis();
        if (ttlMillis <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> SharedEntryCodec.encode(entry, settings.compressAboveBytes()), codecPool)
                .thenCompose(bytes -> command(c -> c.set(entryKey(key), bytes, SetArgs.Builder.px(ttlMillis)), "OK"))
                .handle((ok, t) -> null);
    }

    /**
     * In one step at Redis: the live entry under {@code key}, else the lease on it for {@code millis}
     * if no one holds it. When Redis cannot say, the lease counts as taken (the process goes upstream
     * alone). An entry this process cannot use (larger than {@code maxBodyBytes}, or expired by this
     * process's clock) counts as none, and the lease is then tried on its own.
     */
    CompletableFuture<Claim> entryOrLease(String key, int maxBodyBytes, long millis) {
        byte[][] keys = {entryKey(key), leaseKey(key)};
        byte[] ttl = Long.toString(Math.max(1, millis)).getBytes(StandardCharsets.US_ASCII);
        return command(c -> c.<List<Object>>eval(ENTRY_OR_LEASE, ScriptOutputType.MULTI, keys, owner, ttl), null)
                .thenComposeAsync(reply -> {
                    if (reply == null || reply.isEmpty()) {
                        return CompletableFuture.completedFuture(new Claim(null, true));
                    }
                    long found = (Long) reply.get(0);
                    if (found != 1) {
                        return CompletableFuture.completedFuture(new Claim(null, found == 2));
                    }
                    CachedResponse entry = decode((byte[]) reply.get(1), maxBodyBytes);
                    return entry != null ? CompletableFuture.completedFuture(new Claim(entry, false))
                            : lease(key, millis).thenApply(taken -> new Claim(null, taken));
                }, codecPool)
                .exceptionally(t -> new Claim(null, true));
    }

    /** Tries to take the lease on {@code key} for {@code millis}; true when taken, or when Redis cannot say. */
    private CompletableFuture<Boolean> lease(String key, long millis) {
        return command(c -> c.set(leaseKey(key), owner, SetArgs.Builder.nx().px(Math.max(1, millis))), "OK")
                .thenApply(ok -> ok != null);
    }

    /** Gives the lease on {@code key} back, if this process still holds it. */
    CompletableFuture<Void> release(String key) {
        return command(c -> c.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new byte[][] {leaseKey(key)}, owner), 0L)
                .handle((n, t) -> null);
    }

    /** One look at {@code key}: its entry and whether its lease is held; null when Redis did not answer. */
    CompletableFuture<Look> look(String key, int maxBodyBytes) {
        CompletableFuture<List<KeyValue<byte[], byte[]>>> both = command(c -> c.mget(entryKey(key), leaseKey(key)), null);
        return both.thenApplyAsync(values -> values == null ? null
                : new Look(decode(values.get(0).getValueOrElse(null), maxBodyBytes), values.get(1).hasValue()), codecPool)
                .exceptionally(t -> null);
    }

    private CachedResponse decode(byte[] bytes, int maxBodyBytes) {
        if (bytes == null) {
            return null;
        }
        CachedResponse r = SharedEntryCodec.decode(bytes, maxBodyBytes);
        return r == null || r.expiredAt(clock.millis()) ? null : r;
    }

    /**
     * Runs one command; a failure is counted and answered with {@code onFailure}. The connection
     * is asked for on every call so that a Redis started after the gateway is picked up.
     */
    private <T> CompletableFuture<T> command(Function<RedisAsyncCommands<byte[], byte[]>, io.lettuce.core.RedisFuture<T>> op, T onFailure) {
        CompletableFuture<T> result;
        try {
            result = redis.connection().thenCompose(c -> op.apply(c.async()).toCompletableFuture());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((v, t) -> {
            if (t != null) {
                health.failed(t);
                return onFailure;
            }
            health.succeeded();
            return v;
        });
    }

    private byte[] entryKey(String key) {
        return (prefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] leaseKey(String key) {
        return (prefix + "lease:" + key).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        redis.close();
    }
}
