package dev.fairway.dispatch;

import io.vertx.core.Future;

/**
 * One way of getting an answer from upstream for an attempt: the HTTP call itself, or a decorator
 * around another call that adds one concern (a first-byte timeout, the circuit's bookkeeping,
 * retries of a target, fallback across targets). {@link UpstreamCalls} composes them.
 *
 * <p>The future completes with the head of the answer to relay, its body paused, or fails with the
 * {@link dev.fairway.error.GatewayError} to answer ({@link Cancelled} when the client left).
 */
@FunctionalInterface
interface UpstreamCall {
    Future<UpstreamHead> call(Attempt attempt);
}
