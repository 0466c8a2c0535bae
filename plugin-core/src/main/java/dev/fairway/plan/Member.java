package dev.fairway.plan;

import dev.fairway.retry.RetryRule;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a pool (a deployment, a key, a replica) as the dispatcher sees it: it asks whether
 * the member's own rate limit admits one more request and tells the member how each attempt went,
 * which its passive health, outstanding count and latency average learn from. Built by the pools
 * ({@code balance.Pools}); the planner only orders members.
 */
public interface Member {
    /** The member's name in its pool, unique there; logged and part of its circuit's key. */
    String name();

    /** Completes with whether the member's rate limit admits one more request (true when it has none). */
    CompletableFuture<Boolean> admit();

    /** An attempt to this member starts. */
    void started();

    /**
     * The attempt ended: {@code health} as the retry rule judged it, the upstream {@code status}
     * (0 without an answer), after {@code nanos}.
     */
    void finished(RetryRule.Health health, int status, long nanos);
}
