package dev.fairway.cache;

import java.util.concurrent.CompletableFuture;

/**
 * A wait for an identical request another gateway process is answering (it holds the key's lease
 * in Redis): looks at Redis every {@code pollMs} until the entry is there, the lease is gone
 * without one (that process stored nothing or died and its lease expired), Redis stops answering,
 * or {@code waitMillis} passed. Polling, not subscribing, keeps it to plain commands any Redis
 * (and any proxy in front of it) serves; a wait holds no thread.
 */
final class LeaseWait {
    /** How the wait ended: the entry, or null with whether the time ran out first. */
    record Outcome(CachedResponse entry, boolean timedOut) {}

    private final RedisTier tier;
    private final SingleFlight.Timer timer;
    private final String key;
    private final int maxBodyBytes;
    private final long pollMs;
    private final long deadlineNanos;
    private final CompletableFuture<Outcome> result = new CompletableFuture<>();

    private LeaseWait(RedisTier tier, SingleFlight.Timer timer, String key, int maxBodyBytes, long pollMs, long waitMillis) {
        this.tier = tier;
        this.timer = timer;
        this.key = key;
        this.maxBodyBytes = maxBodyBytes;
        this.pollMs = pollMs;
        this.deadlineNanos = System.nanoTime() + waitMillis * 1_000_000L;
    }

    static CompletableFuture<Outcome> start(RedisTier tier, SingleFlight.Timer timer, String key, int maxBodyBytes,
                                            long pollMs, long waitMillis) {
        LeaseWait w = new LeaseWait(tier, timer, key, maxBodyBytes, pollMs, waitMillis);
        w.next();
        return w.result;
    }

    private void next() {
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (leftMs <= 0) {
            result.complete(new Outcome(null, true));
            return;
        }
        timer.schedule(Math.min(pollMs, leftMs), this::look);
    }

    private void look() {
        tier.look(key, maxBodyBytes).whenComplete((look, t) -> {
            if (t != null || look == null) {
                result.complete(new Outcome(null, false)); // Redis stopped answering: this process goes on alone
            } else if (look.entry() != null) {
                result.complete(new Outcome(look.entry(), false));
            } else if (!look.leased()) {
                result.complete(new Outcome(null, false));
            } else {
                next();
            }
        });
    }
}
