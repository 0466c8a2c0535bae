package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.retry.RetryRule;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * The attempts of one target: each is numbered and counted, and the target's {@link RetryRule}
 * decides what follows it. An answer that is retried or left is read to its end first, so its
 * connection can serve the next request. When the rule moves on, the call fails with {@link MoveOn}
 * for the fallback call to act on.
 */
final class RetryingCall implements UpstreamCall {
    private final UpstreamCall inner;
    private final RetryScheduler scheduler;
    private final Trip trip;

    RetryingCall(UpstreamCall inner, RetryScheduler scheduler, Trip trip) {
        this.inner = requireNonNull(inner, "inner");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.trip = requireNonNull(trip, "trip");
    }

    @Override
    public Future<UpstreamHead> call(Attempt target) {
        Promise<UpstreamHead> answer = Promise.promise();
        attempt(target, 1, answer);
        return answer.future();
    }

    private void attempt(Attempt target, int number, Promise<UpstreamHead> answer) {
        if (target.cancelled().isComplete()) {
            answer.tryFail(Cancelled.INSTANCE);
            return;
        }
        Attempt attempt = target.numbered(number, trip.start(target.target()));
        inner.call(attempt).onComplete(ar -> {
            UpstreamHead head = ar.succeeded() ? ar.result() : null;
            RetryRule.Decision d = attempt.rule().decide(head != null ? Results.of(head) : Results.of(ar.cause()), attempt.number(), attempt.made());
            trip.ended(head != null ? head.status() : 0, head != null ? null : Results.errorType(ar.cause()), d.action().name());
            switch (d.action()) {
                // The rule stops only on failures and accepts only answers: either way, what came is what the relay gets.
                case ACCEPT, STOP -> settle(answer, ar);
                case RETRY -> afterDiscarding(head, () -> scheduler.schedule(d.waitMs(), () -> attempt(target, number + 1, answer)));
                case NEXT -> afterDiscarding(head, () -> answer.tryFail(new MoveOn(d.reason())));
            }
        });
    }

    private static void afterDiscarding(UpstreamHead head, Runnable then) {
        if (head == null) {
            then.run();
        } else {
            head.discard(then);
        }
    }

    static <T> void settle(Promise<T> promise, AsyncResult<T> result) {
        if (result.succeeded()) {
            promise.tryComplete(result.result());
        } else {
            promise.tryFail(result.cause());
        }
    }
}
