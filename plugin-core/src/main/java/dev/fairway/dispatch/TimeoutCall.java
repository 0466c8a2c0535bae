package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.plan.PlannedTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.ToIntFunction;

/**
 * The first-byte timeout of an attempt: no head within the time allowed abandons the attempt and
 * fails it as {@code upstream_timeout}. An attempt nothing can follow waits without one (see
 * {@link dev.fairway.retry.RetryRule#waitsWithoutTimeout}).
 */
final class TimeoutCall implements UpstreamCall {
    /** Runs a task after a delay; returns what cancels it. The event loop's timers, or a test's hand. */
    @FunctionalInterface
    interface Timers {
        Runnable schedule(long delayMs, Runnable task);
    }

    private final UpstreamCall inner;
    private final Timers timers;
    private final ToIntFunction<PlannedTarget> timeoutMs;

    /** @param timeoutMs the time a target is allowed for its first byte */
    TimeoutCall(UpstreamCall inner, Timers timers, ToIntFunction<PlannedTarget> timeoutMs) {
        this.inner = requireNonNull(inner, "inner");
        this.timers = requireNonNull(timers, "timers");
        this.timeoutMs = requireNonNull(timeoutMs, "timeoutMs");
    }

    @Override
    public Future<UpstreamHead> call(Attempt attempt) {
        if (attempt.waitsWithoutTimeout()) {
            return inner.call(attempt);
        }
        int ms = timeoutMs.applyAsInt(attempt.target());
        Promise<Void> giveUp = Promise.promise();
        attempt.cancelled().onSuccess(v -> giveUp.tryComplete());
        Promise<UpstreamHead> head = Promise.promise();
        Runnable cancelTimer = timers.schedule(ms, () -> {
            if (head.tryFail(GatewayError.of(ErrorType.UPSTREAM_TIMEOUT, "the provider sent no response within %d ms", ms).with("timeout_ms", ms))) {
                giveUp.tryComplete();
            }
        });
        inner.call(attempt.cancelledBy(giveUp.future())).onComplete(ar -> {
            cancelTimer.run();
            if (ar.succeeded()) {
                head.tryComplete(ar.result());
            } else {
                head.tryFail(ar.cause());
            }
        });
        return head.future();
    }
}
