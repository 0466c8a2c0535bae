package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.PlannedTarget;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * The attempt's request: as planned and adjusted by the relay's meter, signed, its credential
 * exchanged when the provider wants a token. It runs outside the first-byte timeout: a token
 * exchange is the gateway's time, not the provider's.
 */
final class PreparingCall implements UpstreamCall {
    private final UpstreamCall inner;
    private final Dispatcher dispatcher;
    private final Function<PlannedTarget, UpstreamRequest> prepare;

    /** @param prepare the request for a target, as planned and adjusted by the relay's meter */
    PreparingCall(UpstreamCall inner, Dispatcher dispatcher, Function<PlannedTarget, UpstreamRequest> prepare) {
        this.inner = requireNonNull(inner, "inner");
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.prepare = requireNonNull(prepare, "prepare");
    }

    @Override
    public Future<UpstreamHead> call(Attempt attempt) {
        PlannedTarget target = attempt.target();
        UpstreamRequest planned;
        try {
            planned = prepare.apply(target);
        } catch (GatewayError e) {
            // A fallback's body is translated when it is tried: a request it cannot express ends as that error.
            return Future.failedFuture(e);
        }
        return dispatcher.authorize(target, dispatcher.sign(target, planned))
                .recover(t -> Future.failedFuture(t instanceof GatewayError e ? e
                        : GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider credential could not be prepared")))
                .compose(request -> attempt.cancelled().isComplete() ? Future.failedFuture(Cancelled.INSTANCE)
                        : inner.call(attempt.sending(request)));
    }
}
