package dev.fairway.pipeline;

import dev.fairway.error.GatewayError;
import dev.fairway.plan.PlannedTarget;
import java.util.concurrent.CompletableFuture;

/**
 * One stage's part in one exchange, holding whatever the stage must remember between the request
 * and the response (a cache key, the quota buckets it took from). Every method has a no-op default.
 */
public interface Step {
    Step NONE = new Step() {};

    /**
     * The step of a stage that refuses the exchange as it opens (a guardrail's block): the gateway
     * answers with {@code error} and opens no later deciding stage. Stages return this rather than
     * throw, so a refusal is an answer like any other and an exception is always a fault.
     */
    static Step refuse(GatewayError error) {
        return new Refusal(Decision.Answer.error(error));
    }

    /**
     * Before the upstream call: proceed, or answer now (a cache hit, a refusal). Must not block the
     * calling thread on I/O; return a future that completes later instead.
     */
    default CompletableFuture<Verdict> beforeDispatch() {
        return Verdict.PROCEED_NOW;
    }

    /** Observes the upstream response; null when this step does not need it. */
    default ResponseObserver observer() {
        return null;
    }

    /**
     * Observes one upstream attempt's raw answer, before translation and filters; null when this
     * step does not need it (most steps). Opened per attempt, before its request is sent.
     *
     * @param target the target this attempt asks
     * @param planned the request planned for it
     */
    default UpstreamObserver upstreamObserver(PlannedTarget target, UpstreamRequest planned) {
        return null;
    }

    /**
     * The filter the upstream answer passes through on its way to the client, or null (most steps).
     *
     * @param contentType the content type the client gets
     */
    default ResponseFilter responseFilter(int status, String contentType) {
        return null;
    }

    /**
     * For a long-lived session (a realtime WebSocket): charges usage reported mid-session, as it
     * arrives, and says whether the session may go on. A step that charges here charges only the rest
     * in {@link #afterCompletion}, whose completion carries the session's total.
     *
     * @return completes with the error that ends the session (a quota now exhausted), or null to go on
     */
    default CompletableFuture<GatewayError> charge(Usage usage, Double costUsd) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * For a recording step (see {@link Stage#recordsOnly}): what to tell as each deciding stage
     * decides, or null (every step but tracing's).
     */
    default StageWatch stageWatch() {
        return null;
    }

    /** Called once when the exchange has ended, whether it was answered locally or upstream. */
    default void afterCompletion(Completion completion) {}

    /**
     * Whether the answer's last bytes wait for {@link #durable()}: a step whose after-completion work
     * must be safe before the client holds the whole answer (a request's log record).
     */
    default boolean holdsAnswerEnd() {
        return false;
    }

    /** For a step that {@linkplain #holdsAnswerEnd holds the answer's end}: completes once {@link #afterCompletion}'s work is durable. */
    default CompletableFuture<Void> durable() {
        return CompletableFuture.completedFuture(null);
    }
}
