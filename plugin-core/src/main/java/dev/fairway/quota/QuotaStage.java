package dev.fairway.quota;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.GatewayConfig;
import dev.fairway.config.QuotaRule;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.quota.redis.RedisBackend;
import io.github.bucket4j.TimeMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quotas (step 4 of docs/architecture.md, "One request"): each route's {@code quotas} rules, enforced with Bucket4j buckets
 * held by one {@link QuotaBackend}, in memory or in Redis. Runs after authentication (rules may key
 * on the client) and before the cache (a cache hit still counts as a request).
 */
public final class QuotaStage implements Stage, AutoCloseable {
    private final QuotaBackend backend;
    private final StoreHealth health;
    private final Buckets buckets;
    private final LimitGate limits;
    private final ConcurrentHashMap<QuotaRule, CompiledRule> compiled = new ConcurrentHashMap<>();

    private QuotaStage(QuotaBackend backend) {
        this.backend = requireNonNull(backend, "backend");
        this.health = new StoreHealth(backend.describe());
        this.buckets = new Buckets(backend, health);
        this.limits = new LimitGate(buckets);
    }

    /** The stage a process's configuration asks for: Redis-backed when {@code redis} is set, else in memory. */
    public static QuotaStage forConfig(GatewayConfig config) {
        requireNonNull(config, "config");
        return new QuotaStage(config.redis() == null
                ? QuotaBackend.inMemory(TimeMeter.SYSTEM_MILLISECONDS)
                : RedisBackend.create(config.redis(), TimeMeter.SYSTEM_MILLISECONDS));
    }

    /** A stage on a given backend (tests inject clocks through it). */
    public static QuotaStage withBackend(QuotaBackend backend) {
        return new QuotaStage(backend);
    }

    /** The store this stage's buckets live in; pool members' rate limits ({@code balance.Pools}) share it. */
    public QuotaBackend backend() {
        return backend;
    }

    @Override
    public String name() {
        return "quota";
    }

    @Override
    public Step open(Exchange exchange) {
        List<QuotaRule> rules = exchange.route().quotas();
        if (rules.isEmpty()) {
            return Step.NONE;
        }
        List<CompiledRule> mine = new ArrayList<>(rules.size());
        for (QuotaRule r : rules) {
            mine.add(compiled.computeIfAbsent(r, CompiledRule::new));
        }
        return new QuotaStep(exchange, buckets, mine);
    }

    /** The same buckets for limits decided outside this stage (a routing flow's rate and budget limits). */
    public LimitGate limits() {
        return limits;
    }

    /** Quota store operations that failed since start (timeouts, refused connections); for metrics. */
    public long storeFailures() {
        return health.failures();
    }

    /** Whether the last quota store operation succeeded; for metrics and health checks. */
    public boolean storeAvailable() {
        return health.available();
    }

    /** Completes when the quota store answers now; see {@link QuotaBackend#ping}. */
    public java.util.concurrent.CompletableFuture<Void> ping() {
        return backend.ping();
    }

    @Override
    public void close() {
        backend.close();
    }
}
