package dev.fairway.quota;

import static java.util.Objects.requireNonNull;

import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The quota store's buckets as route quotas ({@link QuotaStep}) and flow limits ({@link LimitGate})
 * both use them: every operation's outcome feeds the store's {@link StoreHealth}, and a store
 * failure yields the caller's fallback, never an exception.
 */
final class Buckets {
    private final QuotaBackend backend;
    private final StoreHealth health;

    Buckets(QuotaBackend backend, StoreHealth health) {
        this.backend = requireNonNull(backend, "backend");
        this.health = requireNonNull(health, "health");
    }

    /** Runs {@code op} on the bucket {@code key} of {@code rule}; a store failure yields {@code ifUnavailable}. */
    <T> CompletableFuture<T> on(CompiledRule rule, String key, Function<AsyncBucketProxy, CompletableFuture<T>> op, T ifUnavailable) {
        CompletableFuture<T> f;
        try {
            f = backend.bucket(key, rule.configuration()).thenCompose(op);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((result, t) -> {
            if (t != null) {
                health.failed(t);
                return ifUnavailable;
            }
            health.succeeded();
            return result;
        });
    }
}
