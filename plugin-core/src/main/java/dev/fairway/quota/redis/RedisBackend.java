package dev.fairway.quota.redis;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RedisSettings;
import dev.fairway.quota.QuotaBackend;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Quota buckets in Redis through Bucket4j's Lettuce backend (compare-and-swap Lua scripts), so
 * that every gateway process pointed at the same Redis enforces one limit. Everything is
 * asynchronous: no event loop ever waits for Redis.
 *
 * <p>An outage must fail fast, not queue: while disconnected, commands are rejected at once
 * instead of being buffered until the connection returns, and each command has a timeout. Lettuce
 * reconnects by itself once it has connected; a first connection that fails is retried by the next
 * request after {@link #RETRY_CONNECT_NANOS}, so Redis may start after the gateway.
 */
public final class RedisBackend implements QuotaBackend {
    private static final long RETRY_CONNECT_NANOS = 500_000_000L;

    private final RedisURI uri;
    private final String prefix;
    private final TimeMeter clock;
    private final ClientResources resources;
    private final RedisClient client;
    private final Object lock = new Object();
    /** Set once connected: every later quota check reads it without taking {@link #lock}. */
    private volatile CompletableFuture<AsyncProxyManager<byte[]>> ready;
    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;
    private AsyncProxyManager<byte[]> buckets;
    private long failedAtNanos;
    private boolean closed;

    private RedisBackend(RedisSettings settings, TimeMeter clock) {
        this.uri = parse(settings);
        uri.setTimeout(Duration.ofMillis(settings.commandTimeoutMs()));
        this.prefix = settings.keyPrefix();
        this.clock = clock;
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(settings.connectTimeoutMs())).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(settings.commandTimeoutMs())))
                .build());
    }

    private static RedisURI parse(RedisSettings settings) {
        try {
            return RedisURI.create(settings.uri().reveal());
        } catch (IllegalArgumentException e) {
            // The driver's message may quote the URI, password included.
            throw new IllegalArgumentException("redis.uri: not a usable Redis URI (" + settings.uri().reference() + ")");
        }
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
        return connected().thenCompose(manager -> {
            StatefulRedisConnection<byte[], byte[]> c;
            synchronized (lock) {
                c = connection.getNow(null); // connected() completed, so the connection did too
            }
            return c.async().ping().toCompletableFuture().thenApply(pong -> (Void) null);
        });
    }

    @Override
    public String describe() {
        return "redis " + uri.getHost() + ":" + uri.getPort();
    }

    private CompletableFuture<AsyncProxyManager<byte[]>> connected() {
        CompletableFuture<AsyncProxyManager<byte[]>> r = ready;
        if (r != null) {
            return r;
        }
        // Only until the first connection succeeds: connecting, and the retry pause after a failure.
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("quota store closed"));
            }
            boolean failed = connection != null && connection.isCompletedExceptionally();
            if (connection == null || (failed && System.nanoTime() - failedAtNanos >= RETRY_CONNECT_NANOS)) {
                connection = connect();
            }
            return connection.thenApply(c -> managerFor(c));
        }
    }

    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
        return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture().whenComplete((c, t) -> {
            synchronized (lock) {
                if (t != null) {
                    failedAtNanos = System.nanoTime();
                } else if (closed) {
                    c.closeAsync();
                }
            }
        });
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
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ready = null;
            c = connection;
        }
        if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
            c.join().close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
