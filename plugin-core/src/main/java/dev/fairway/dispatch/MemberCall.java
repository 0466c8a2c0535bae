package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.plan.Member;
import dev.fairway.retry.RetryRule;
import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Tells a pool member how each attempt to it went, once: it is outstanding from the attempt's start
 * until its answer's head (or its failure), the time to that head feeds the member's latency
 * average, and the retry rule's verdict (a 429 counted apart) its passive health. Attempts to a
 * target that is no pool member pass untouched.
 */
final class MemberCall implements UpstreamCall {
    private final UpstreamCall inner;
    private final LongSupplier nanos;
    private final Consumer<String> tried;

    /** @param tried told the member of each attempt as it starts (the exchange's facts, for its record) */
    MemberCall(UpstreamCall inner, LongSupplier nanos, Consumer<String> tried) {
        this.inner = requireNonNull(inner, "inner");
        this.nanos = requireNonNull(nanos, "nanos");
        this.tried = requireNonNull(tried, "tried");
    }

    @Override
    public Future<UpstreamHead> call(Attempt attempt) {
        Member member = attempt.target().member();
        if (member == null) {
            return inner.call(attempt);
        }
        long start = nanos.getAsLong();
        tried.accept(member.name());
        member.started();
        return inner.call(attempt).andThen(ar -> {
            RetryRule.Result result = ar.succeeded() ? Results.of(ar.result()) : Results.of(ar.cause());
            member.finished(attempt.rule().health(result), ar.succeeded() ? ar.result().status() : 0, nanos.getAsLong() - start);
        });
    }
}
