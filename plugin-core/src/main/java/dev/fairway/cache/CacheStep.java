package dev.fairway.cache;

import dev.fairway.cache.semantic.SemanticCache;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cache's part in one cacheable exchange: look up, answer a hit, or capture and store a miss. */
final class CacheStep implements Step, ResponseCapture.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(CacheStep.class);
    static final String STATUS = "cf-aig-cache-status";
    static final String MATCH = "fairway-cache-match";

    private final CacheStage stage;
    private final Exchange exchange;
    private final Supplier<String> keySource;
    private final int ttlSeconds;
    private final int maxEntryBytes;
    private final int waitMs;
    /** The route's semantic lookup for a miss, or null when the route (or a caller's key) leaves it out. */
    private final SemanticLookup semantic;
    private volatile SemanticCache.Lookup lookup = SemanticCache.Lookup.NONE;
    /** The answer served, for the leader of a flight to hand to its followers. */
    private volatile CachedResponse hit;
    /** Set once the leader's flight is handed to a store, which then lands it. */
    private final AtomicBoolean handedOver = new AtomicBoolean();
    private volatile String key;
    private volatile SingleFlight.Flight flight;
    private volatile ResponseCapture capture;
    /** Set when this exchange holds the cross-process lease on its key, given back once it lands. */
    private volatile boolean leased;

    CacheStep(CacheStage stage, Exchange exchange, Supplier<String> keySource, int ttlSeconds,
              int maxEntryBytes, int waitMs, SemanticLookup semantic) {
        this.stage = stage;
        this.exchange = exchange;
        this.keySource = keySource;
        this.ttlSeconds = ttlSeconds;
        this.maxEntryBytes = maxEntryBytes;
        this.waitMs = waitMs;
        this.semantic = semantic;
    }

    @Override
    public CompletableFuture<Verdict> beforeDispatch() {
        if (semantic != null && semantic.refusal() != null) {
            return CompletableFuture.completedFuture(Verdict.answer(Decision.Answer.error(semantic.refusal())));
        }
        return lookUp(keySource.get());
    }

    private CompletableFuture<Verdict> lookUp(String computed) {
        key = CacheRules.kindScoped(computed, exchange.stream());
        if (waitMs == 0) {
            return stage.find(key, maxEntryBytes).thenCompose(this::exactThenSemantic);
        }
        flight = stage.flights().join(key);
        if (!flight.leader()) {
            // After a failed leader or a timed-out wait, go upstream without further waiting. The
            // wait never outlasts the host's decision deadline: a duplicate is forwarded as a miss
            // rather than answered with the host's timeout error.
            long budget = exchange.waitBudgetMillis();
            boolean deadlineFirst = budget < waitMs;
            SingleFlight.Flight following = flight;
            return following.await(deadlineFirst ? budget : waitMs).thenApply(found -> {
                if (found == null && deadlineFirst && !following.landed()) {
                    exchange.facts().markWaitCutShort();
                    LOG.info("request {}: an identical request is still upstream; stopped waiting for it after {} ms, at the"
                            + " host's decision deadline, and forwarded this one as a miss", exchange.logId(), budget);
                }
                return found;
            }).thenCompose(this::exactThenSemantic);
        }
        return stage.findOrLease(key, maxEntryBytes, waitMs).thenCompose(claim -> {
            if (claim.entry() != null) {
                return CompletableFuture.completedFuture(claim.entry());
            }
            if (claim.leased()) {
                leased = stage.sharesFlights();
                return CompletableFuture.completedFuture(null);
            }
            return awaitOtherProcess();
        }).thenCompose(this::exactThenSemantic).thenApply(verdict -> {
            if (hit != null) {
                // Releases a lease taken before a semantic hit, too: nothing of this key goes upstream.
                land(hit);
            }
            return verdict;
        });
    }

    /**
     * This process's leader on a miss in every tier, when another process holds the key's lease in
     * Redis: it waits, as a local follower does, for that process's answer.
     */
    private CompletableFuture<CachedResponse> awaitOtherProcess() {
        long budget = exchange.waitBudgetMillis();
        boolean deadlineFirst = budget < waitMs;
        return stage.awaitLease(key, maxEntryBytes, deadlineFirst ? budget : waitMs).thenApply(o -> {
            if (o.entry() == null && o.timedOut() && deadlineFirst) {
                exchange.facts().markWaitCutShort();
                LOG.info("request {}: an identical request is still upstream through another gateway process; stopped"
                        + " waiting for it after {} ms, at the host's decision deadline, and forwarded this one as a miss",
                        exchange.logId(), budget);
            }
            return o.entry();
        });
    }

    /** After an exact miss, the route's lookup by meaning; its match is read from the exact tiers. */
    private CompletableFuture<Verdict> exactThenSemantic(CachedResponse found) {
        if (found != null || semantic == null) {
            return CompletableFuture.completedFuture(hitOrMiss(found, null));
        }
        return semantic.cache().lookUp(exchange, semantic.settings(), semantic.threshold()).thenCompose(l -> {
            lookup = l;
            if (l.hit() == null) {
                return CompletableFuture.completedFuture(hitOrMiss(null, null));
            }
            return stage.find(l.hit().entryKey(), maxEntryBytes).thenApply(f -> hitOrMiss(f, f == null ? null : l.hit().similarity()));
        });
    }

    private Verdict hitOrMiss(CachedResponse found, Double similarity) {
        if (found != null) {
            hit = found;
            Headers headers = found.headers();
            headers.set(STATUS, "HIT");
            headers.set("age", Long.toString(found.ageSeconds(stage.clock().millis())));
            if (similarity != null) {
                headers.set(MATCH, SemanticLookup.matchHeader(similarity));
                exchange.facts().markSemanticHit(similarity);
                semantic.cache().countHit();
            } else {
                if (semantic != null) {
                    headers.set(MATCH, "exact");
                }
                exchange.facts().markCached();
            }
            return Verdict.answer(new Decision.Answer(found.status(), headers, found.body()));
        }
        exchange.responseHeaders().set(STATUS, "MISS");
        capture = new ResponseCapture(maxEntryBytes, this);
        return Verdict.PROCEED;
    }

    @Override
    public ResponseObserver observer() {
        return capture;
    }

    @Override
    public void complete(int status, List<String> headers, String contentType, byte[] body) {
        handedOver.set(true);
        stage.put(key, () -> {
            BodyCheck check = BodyCheck.of(contentType, body);
            if (!check.storable()) {
                LOG.debug("request {}: not cached: {}", exchange.logId(), check.reason());
                return null;
            }
            return new CachedResponse(status, headers, body, stage.clock().millis(), ttlSeconds);
        }).whenComplete((stored, t) -> {
            if (t == null && stored != null && semantic != null) {
                semantic.cache().store(lookup, key, stored.expiresAtMillis());
            }
            land(t == null ? stored : null);
        });
    }

    @Override
    public void refused(String reason) {
        LOG.debug("request {}: not cached: {}", exchange.logId(), reason);
    }

    @Override
    public void afterCompletion(Completion completion) {
        // The exchange ended without a store under way (refused, cut, failed before any answer).
        if (!handedOver.get()) {
            land(null);
        }
    }

    private void land(CachedResponse stored) {
        if (leased) {
            // After the shared store (CacheStage#put completes once Redis answered): processes
            // waiting on the lease then find the entry, or no lease and no entry, and go upstream.
            leased = false;
            stage.release(key);
        }
        if (flight != null) {
            flight.land(stored);
        }
    }
}
