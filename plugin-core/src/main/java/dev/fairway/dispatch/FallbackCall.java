package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.retry.CircuitBreaker;
import dev.fairway.retry.RetryRule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's targets in order: the first whose circuit lets a request through is tried (the last
 * always is: a breaker never turns an answer into a refusal), and when its attempts move on, the
 * next one from there.
 */
final class FallbackCall implements UpstreamCall {
    private static final Logger LOG = LoggerFactory.getLogger(FallbackCall.class);

    private final UpstreamCall inner;
    private final DispatchPlan plan;
    private final Function<PlannedTarget, CircuitBreaker> circuits;
    private final int maxTotalAttempts;
    private final RetryScheduler scheduler;
    private final String logId;

    /**
     * @param circuits the circuit of a target
     * @param maxTotalAttempts the upstream attempts the request may make in all
     */
    FallbackCall(UpstreamCall inner, DispatchPlan plan, Function<PlannedTarget, CircuitBreaker> circuits, int maxTotalAttempts,
                 RetryScheduler scheduler, String logId) {
        this.inner = requireNonNull(inner, "inner");
        this.plan = requireNonNull(plan, "plan");
        this.circuits = requireNonNull(circuits, "circuits");
        this.maxTotalAttempts = maxTotalAttempts;
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.logId = logId;
    }

    /** Tries the plan's targets from {@code first}'s index on. */
    @Override
    public Future<UpstreamHead> call(Attempt first) {
        Promise<UpstreamHead> answer = Promise.promise();
        tryFrom(first, first.index(), answer);
        return answer.future();
    }

    private void tryFrom(Attempt first, int start, Promise<UpstreamHead> answer) {
        if (first.cancelled().isComplete()) {
            answer.tryFail(Cancelled.INSTANCE);
            return;
        }
        int count = plan.targets().size();
        for (int i = start; i < count; i++) {
            PlannedTarget t = plan.targets().get(i);
            boolean last = i == count - 1;
            CircuitBreaker circuit = circuits.apply(t);
            if (circuit.tryAcquire() || last) {
                if (t.member() != null) {
                    admitted(first, i, t, circuit, last, answer);
                } else {
                    attempt(first, i, t, circuit, last, answer);
                }
                return;
            }
            LOG.debug("request {}: step {} skipped, its circuit is open", logId, t.step());
        }
        // Only a start past the last target gets here; the rule never moves on from the last.
        answer.tryFail(GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "no target is left to try"));
    }

    /** A pool member over its own rate limit is passed over for the next target; the last one left answers 429. */
    private void admitted(Attempt first, int i, PlannedTarget t, CircuitBreaker circuit, boolean last, Promise<UpstreamHead> answer) {
        t.member().admit().whenComplete((ok, failure) -> scheduler.schedule(0, () -> {
            if (failure == null && Boolean.TRUE.equals(ok)) {
                attempt(first, i, t, circuit, last, answer);
                return;
            }
            // The trial the circuit may have granted is freed: this member was not called.
            circuit.onIgnore();
            if (failure != null) {
                LOG.warn("request {}: the rate limit of pool member {} could not be checked; it is passed over", logId, t.member().name(), failure);
            }
            if (!last) {
                tryFrom(first, i + 1, answer);
                return;
            }
            answer.tryFail(GatewayError.of(ErrorType.RATE_LIMITED, "pool member %s of %s is over its rate limit, and no other member or target is left",
                    t.member().name(), t.target().provider().slug()).with("member", t.member().name()));
        }));
    }

    private void attempt(Attempt first, int i, PlannedTarget t, CircuitBreaker circuit, boolean last, Promise<UpstreamHead> answer) {
        // Another member of the same pool comes next: whatever a retry would act on goes to it first, at once.
        boolean siblingNext = t.member() != null && !last && plan.targets().get(i + 1).member() != null
                && plan.targets().get(i + 1).step() == t.step();
        RetryRule rule = new RetryRule(t.retry(), status -> plan.fallsBackOn(t.step(), status) || siblingNext && t.retry().retriesStatus(status),
                last, maxTotalAttempts);
        inner.call(first.at(i, t, rule, circuit)).onComplete(ar -> {
            if (ar.failed() && ar.cause() instanceof MoveOn m) {
                LOG.debug("request {}: step {} failed ({}), falling back", logId, t.step(), m.getMessage());
                scheduler.schedule(0, () -> tryFrom(first, i + 1, answer));
            } else {
                RetryingCall.settle(answer, ar);
            }
        });
    }
}
