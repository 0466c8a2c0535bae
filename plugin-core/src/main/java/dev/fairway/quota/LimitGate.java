package dev.fairway.quota;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fairway.config.QuotaRule;
import java.util.concurrent.CompletableFuture;

/**
 * Quota buckets for limits that are decided outside the quota stage: a routing flow's
 * {@code rate_limit} elements (flow/) take, check and charge them here, on the same backend (memory,
 * or Redis when configured) and with the same window semantics ({@link CompiledRule}) as route quotas.
 * A store failure admits the request unless the rule is {@code fail_closed}, as in the quota stage.
 */
public final class LimitGate {
    private final Buckets buckets;
    /** Compiled rules by definition: bounded, since flows come and go with admin API versions. */
    private final Cache<QuotaRule, CompiledRule> compiled = Caffeine.newBuilder().maximumSize(4096).build();

    LimitGate(Buckets buckets) {
        this.buckets = requireNonNull(buckets, "buckets");
    }

    /** A gate on its own backend (tests inject clocks through it). */
    public static LimitGate on(QuotaBackend backend) {
        return new LimitGate(new Buckets(backend, new StoreHealth(backend.describe())));
    }

    /**
     * Whether a request keyed {@code value} fits {@code rule}: a request rule takes one request when
     * it does ({@code take}), a cost rule only checks that something is left (the cost is charged
     * once known, {@link #charge}).
     */
    public CompletableFuture<Boolean> admit(QuotaRule rule, String value, boolean take) {
        CompiledRule r = compiled.get(rule, CompiledRule::new);
        boolean requests = r.countsRequests();
        return buckets.on(r, r.keyOf(value), b -> take && requests
                ? b.tryConsume(1)
                : b.estimateAbilityToConsume(1).thenApply(p -> p.canBeConsumed()),
                rule.onStoreFailure() != QuotaRule.StoreFailure.FAIL_CLOSED);
    }

    /** Charges {@code amount} units (micro-dollars for cost) to the bucket, overdrawing it if need be. */
    public CompletableFuture<Void> charge(QuotaRule rule, String value, long amount) {
        if (amount <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompiledRule r = compiled.get(rule, CompiledRule::new);
        return buckets.on(r, r.keyOf(value), b -> b.consumeIgnoringRateLimits(amount).thenApply(x -> (Void) null), null);
    }
}
