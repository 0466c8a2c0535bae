package dev.fairway.dispatch;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.retry.RetryAfter;
import dev.fairway.retry.RetryRule;
import dev.fairway.retry.RetryRule.Kind;
import java.time.Instant;

/** What an attempt's outcome is, in the retry rule's terms. */
final class Results {
    private Results() {}

    static RetryRule.Result of(UpstreamHead head) {
        return RetryRule.Result.answered(head.status(), RetryAfter.millis(head.headers().get("retry-after"), Instant.now()));
    }

    static RetryRule.Result of(Throwable failure) {
        if (failure == Cancelled.INSTANCE) {
            return RetryRule.Result.of(Kind.CANCELLED);
        }
        if (failure instanceof GatewayError e) {
            return RetryRule.Result.of(e.type() == ErrorType.UPSTREAM_TIMEOUT ? Kind.TIMED_OUT : e.status() < 500 ? Kind.REFUSED : Kind.UNREACHABLE);
        }
        return RetryRule.Result.of(Kind.UNREACHABLE);
    }

    /** The wire name of the error {@code failure} stands for ({@code cancelled} when the client left); allocates nothing. */
    static String errorType(Throwable failure) {
        if (failure == Cancelled.INSTANCE) {
            return "cancelled";
        }
        return failure instanceof GatewayError e ? e.type().wireName() : ErrorType.UPSTREAM_UNAVAILABLE.wireName();
    }

    /** The error to answer when {@code failure} ends the request. */
    static GatewayError error(Throwable failure) {
        return failure instanceof GatewayError e ? e : Unreachable.error(failure);
    }
}
