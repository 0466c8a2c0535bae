package dev.fairway.redis;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One asynchronous Redis connection that fails fast instead of queueing: while disconnected,
 * commands are rejected at once rather than buffered until the connection returns, and each command
 * has a timeout. Lettuce reconnects by itself once it has connected; a first connection that fails
 * is retried by the next caller after {@link #RETRY_CONNECT_NANOS}, so Redis may start after the
 * gateway. The same rules as the quota store's ({@code quota.redis.RedisBackend}).
 */
public final class RedisConnector implements AutoCloseable {
    private static final long RETRY_CONNECT_NANOS = 500_000_000L;

    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final Object lock = new Object();
    /** Set once connected: every later call reads it without taking {@link #lock}. */
    private volatile CompletableFuture<StatefulRedisConnection<byte[], byte[]>> ready;
    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;
    private long failedAtNanos;
    private boolean closed;

    public RedisConnector(RedisSettings settings) {
        requireNonNull(settings, "settings");
        this.uri = parse(settings);
        uri.setTimeout(Duration.ofMillis(settings.commandTimeoutMs()));
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

    /** The connection, connecting (again, after a failed first attempt) when there is none yet. */
    public CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection() {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> r = ready;
        if (r != null) {
            return r;
        }
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("redis connection closed"));
            }
            boolean failed = connection != null && connection.isCompletedExceptionally();
            if (connection == null || (failed && System.nanoTime() - failedAtNanos >= RETRY_CONNECT_NANOS)) {
                connection = connect();
            }
            return connection;
        }
    }

    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> attempt =
                client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        return attempt.whenComplete((c, t) -> {
            synchronized (lock) {
                if (t != null) {
                    failedAtNanos = System.nanoTime();
                } else if (closed) {
                    c.closeAsync();
                } else {
                    ready = CompletableFuture.completedFuture(c);
                }
            }
        });
    }

    /** Host and port, for logs (never the password). */
    public String describe() {
        return "redis " + uri.getHost() + ":" + uri.getPort();
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
