package dev.fairway.cache;

import static java.util.Objects.requireNonNull;

import dev.fairway.cache.semantic.Embedders;
import dev.fairway.cache.semantic.SemanticCache;
import dev.fairway.config.CacheSettings;
import dev.fairway.config.CacheStorageSettings;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RedisSettings;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.redis.RedisConnector;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The exact response cache (step 5 of docs/architecture.md, "One request"), the last stage before dispatch so that
 * authentication, policy and quotas still see every request, hits included. A hit is answered here;
 * a miss goes upstream and its answer is stored once complete. Identical misses in flight at the
 * same time are coalesced into one upstream call. With {@code cache_storage.shared} on, Redis is a
 * second tier behind this process's ({@link RedisTier}) and the coalescing spans processes through a
 * lease in Redis ({@link LeaseWait}).
 *
 * <pre>{@code
 * CacheStage cache = CacheStage.builder(config.cacheStorage()).build();
 * }</pre>
 */
public final class CacheStage implements Stage, AutoCloseable {
    /** Cloudflare caches a request carrying cf-aig-cache-key for 5 minutes even where caching is off. */
    static final int KEY_ONLY_TTL_SECONDS = 300;

    private final ResponseStore store;
    private final SingleFlight flights;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor timers;
    private final SingleFlight.Timer timer;
    /** The shared tier, or null when this process caches alone. */
    private final RedisTier shared;
    private final int pollMs;
    private final SemanticCache semantic;
    private final LongAdder leaseWaits = new LongAdder();

    private CacheStage(ResponseStore store, SingleFlight.Timer timer, Clock clock, ScheduledThreadPoolExecutor timers,
                       RedisTier shared, int pollMs, SemanticCache semantic) {
        this.store = store;
        this.flights = new SingleFlight(timer);
        this.timer = timer;
        this.semantic = semantic;
        this.clock = clock;
        this.timers = timers;
        this.shared = shared;
        this.pollMs = pollMs;
    }

    public static Builder builder(CacheStorageSettings storage) {
        return new Builder(storage);
    }

    /**
     * The stage for a process: when any route caches, the store is opened now, in the background,
     * so the first request does not wait for the disk tier to load.
     */
    public static CacheStage create(GatewayConfig config) {
        CacheStage stage = builder(config.cacheStorage()).redis(config.redis())
                .semantic(SemanticCache.create(config.cacheStorage(), Embedders.of(config), Clock.systemUTC())).build();
        if (config.routes().stream().anyMatch(r -> r.cache().enabled())) {
            stage.store.open();
        }
        if (config.routes().stream().anyMatch(r -> r.cache().semantic().enabled())) {
            stage.semantic.open();
        }
        return stage;
    }

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public Step open(Exchange exchange) {
        CfAigHeaders headers = exchange.cfAig();
        CacheSettings settings = exchange.route().cache();
        boolean callerKey = headers.cacheKey() != null;
        if (!CacheRules.cacheable(exchange, settings)) {
            return Step.NONE;
        }
        int ttl = headers.cacheTtlSeconds() != null ? headers.cacheTtlSeconds()
                : settings.enabled() ? settings.defaultTtlSeconds() : KEY_ONLY_TTL_SECONDS;
        if (callerKey) {
            String key = CacheKey.custom(exchange, headers.cacheKey());
            // A caller's key names its entry: nothing is looked up by meaning.
            return new CacheStep(this, exchange, () -> key, ttl, settings.maxEntryBytes(), settings.singleFlightWaitMs(), null);
        }
        // A large body is keyed off the event loop by the gateway's one rule for large bodies (body.Offload).
        return new CacheStep(this, exchange, () -> CacheKey.of(exchange), ttl, settings.maxEntryBytes(), settings.singleFlightWaitMs(),
                SemanticLookup.of(semantic, exchange, settings.semantic()));
    }

    ResponseStore store() {
        return store;
    }

    /** This process's tiers, then the shared one; a shared hit fills this process's tiers. */
    CompletableFuture<CachedResponse> find(String key, int maxBodyBytes) {
        CompletableFuture<CachedResponse> local = store.get(key);
        if (shared == null) {
            return local;
        }
        return local.thenCompose(found -> found != null ? CompletableFuture.completedFuture(found)
                : shared.get(key, maxBodyBytes).thenApply(remote -> fillLocal(key, remote)));
    }

    /** Stores in this process's tiers, then in the shared one; gives the stored entry once both are done. */
    CompletableFuture<CachedResponse> put(String key, Supplier<CachedResponse> value) {
        CompletableFuture<CachedResponse> local = store.put(key, value);
        if (shared == null) {
            return local;
        }
        return local.thenCompose(stored -> stored == null ? local : shared.put(key, stored).thenApply(v -> stored));
    }

    /** Whether a lease in Redis coordinates identical requests across processes. */
    boolean sharesFlights() {
        return shared != null;
    }

    /**
     * For this process's leader: this process's tiers, then in one step at Redis the shared entry or
     * the key's lease for {@code leaseMillis} (see {@link RedisTier#entryOrLease}). Without a shared
     * tier a miss is a lease: this process alone decides who goes upstream.
     */
    CompletableFuture<RedisTier.Claim> findOrLease(String key, int maxBodyBytes, long leaseMillis) {
        CompletableFuture<CachedResponse> local = store.get(key);
        return local.thenCompose(found -> {
            if (found != null) {
                return CompletableFuture.completedFuture(new RedisTier.Claim(found, false));
            }
            if (shared == null) {
                return CompletableFuture.completedFuture(new RedisTier.Claim(null, true));
            }
            return shared.entryOrLease(key, maxBodyBytes, leaseMillis).thenApply(claim -> {
                fillLocal(key, claim.entry());
                return claim;
            });
        });
    }

    void release(String key) {
        if (shared != null) {
            shared.release(key);
        }
    }

    /** Waits for the process holding {@code key}'s lease to store its answer (see {@link LeaseWait}). */
    CompletableFuture<LeaseWait.Outcome> awaitLease(String key, int maxBodyBytes, long waitMillis) {
        leaseWaits.increment();
        return LeaseWait.start(shared, timer, key, maxBodyBytes, pollMs, waitMillis).thenApply(o -> {
            fillLocal(key, o.entry());
            return o;
        });
    }

    private CachedResponse fillLocal(String key, CachedResponse found) {
        if (found != null) {
            store.put(key, () -> found);
        }
        return found;
    }

    /** Requests that waited for an identical one another gateway process was answering (its lease in Redis). */
    public long sharedLeaseWaits() {
        return leaseWaits.sum();
    }

    /** Operations on the shared tier that failed (for metrics); 0 when there is none. */
    public long sharedFailures() {
        return shared == null ? 0 : shared.health().failures();
    }

    /** Whether the shared tier answered last time; true when there is none. */
    public boolean sharedAvailable() {
        return shared == null || shared.health().available();
    }

    SingleFlight flights() {
        return flights;
    }

    Clock clock() {
        return clock;
    }

    /** Entries the semantic index took since start. */
    long semanticStored() {
        return semantic.stored();
    }

    /** Requests answered through a semantic match, for the metrics. */
    public long semanticHits() {
        return semantic.hits();
    }

    @Override
    public void close() {
        if (timers != null) {
            timers.shutdownNow();
        }
        semantic.close();
        store.close();
        if (shared != null) {
            shared.close();
        }
    }

    public static final class Builder {
        private final CacheStorageSettings storage;
        private Clock clock = Clock.systemUTC();
        private SingleFlight.Timer timer;
        private RedisSettings redis;
        private SemanticCache semantic;

        private Builder(CacheStorageSettings storage) {
            this.storage = requireNonNull(storage, "storage");
        }

        /** The clock for stored-at times, Age and expiry. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** The semantic tier; by default MiniLM and a Lucene index beside the exact cache's directory. */
        public Builder semantic(SemanticCache semantic) {
            this.semantic = requireNonNull(semantic, "semantic");
            return this;
        }

        /** The Redis of the shared tier; used when {@code cache_storage.shared.enabled}, else ignored. */
        public Builder redis(RedisSettings redis) {
            this.redis = redis;
            return this;
        }

        Builder timer(SingleFlight.Timer timer) {
            this.timer = requireNonNull(timer, "timer");
            return this;
        }

        public CacheStage build() {
            ScheduledThreadPoolExecutor timers = null;
            SingleFlight.Timer t = timer;
            if (t == null) {
                ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread thread = new Thread(r, "fairway-cache-timer");
                    thread.setDaemon(true);
                    return thread;
                });
                pool.setRemoveOnCancelPolicy(true);
                timers = pool;
                t = (delay, task) -> {
                    ScheduledFuture<?> f = pool.schedule(task, delay, TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                };
            }
            ResponseStore store = new ResponseStore(storage, clock);
            RedisTier shared = null;
            if (storage.shared().enabled() && redis != null) {
                RedisConnector connector = new RedisConnector(redis);
                // Connects now, in the background, so the first request does not pay for it; a
                // Redis that is not up yet is retried by the requests that follow.
                connector.connection();
                shared = new RedisTier(connector, storage.shared(), clock, store.executor());
            }
            SemanticCache s = semantic != null ? semantic : SemanticCache.create(storage, Embedders.inProcess(storage), clock);
            return new CacheStage(store, t, clock, timers, shared, storage.shared().pollMs(), s);
        }
    }
}
