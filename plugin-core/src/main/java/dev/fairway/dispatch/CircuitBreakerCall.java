package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.retry.RetryRule;
import io.vertx.core.Future;

/**
 * Tells the target's circuit what each attempt came to, exactly once: success, failure, or nothing
 * either way (a client's 4xx, a client that left), as {@link RetryRule#health} judges. Which targets
 * are tried at all is the fallback call's choice, made before the first attempt.
 */
final class CircuitBreakerCall implements UpstreamCall {
    private final UpstreamCall inner;

    CircuitBreakerCall(UpstreamCall inner) {
        this.inner = requireNonNull(inner, "inner");
    }

    @Override
    public Future<UpstreamHead> call(Attempt attempt) {
        return inner.call(attempt).andThen(ar -> {
            RetryRule.Result result = ar.succeeded() ? Results.of(ar.result()) : Results.of(ar.cause());
            attempt.circuit().record(attempt.rule().health(result));
        });
    }
}
