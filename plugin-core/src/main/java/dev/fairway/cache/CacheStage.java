package dev.fairway.cache;

import static java.util.Objects.requireNonNull;

import dev.fairway.cache.semantic.SemanticCache;
import dev.fairway.config.CacheSettings;
import dev.fairway.config.CacheStorageSettings;
import dev.fairway.config.GatewayConfig;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The exact response cache (step 5 of docs/architecture.md, "One request"), the last stage before dispatch so that
 * authentication, policy and quotas still see every request, hits included. A hit is answered here;
 * a miss goes upstream and its answer is stored once complete. Identical misses in flight at the
 * same time are coalesced into one upstream call.
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
    private final SemanticCache semantic;

    private CacheStage(ResponseStore store, SingleFlight flights, Clock clock, ScheduledThreadPoolExecutor timers,
                       SemanticCache semantic) {
        this.store = store;
        this.semantic = semantic;
        this.flights = flights;
        this.clock = clock;
        this.timers = timers;
    }

    public static Builder builder(CacheStorageSettings storage) {
        return new Builder(storage);
    }

    /**
     * The stage for a process: when any route caches, the store is opened now, in the background,
     * so the first request does not wait for the disk tier to load.
     */
    public static CacheStage create(GatewayConfig config) {
        CacheStage stage = builder(config.cacheStorage()).build();
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
    }

    public static final class Builder {
        private final CacheStorageSettings storage;
        private Clock clock = Clock.systemUTC();
        private SingleFlight.Timer timer;
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
            SemanticCache s = semantic != null ? semantic : SemanticCache.create(storage, clock);
            return new CacheStage(new ResponseStore(storage, clock), new SingleFlight(t), clock, timers, s);
        }
    }
}
