package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.retry.CircuitBreaker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's direct forward (Envoy's direct mode) sends one request to one target, with no
 * dispatcher to move on after a refusal: when the plan's first target is a pool member, the
 * members of that step are asked in the pool's order, as the dispatcher's fallback asks them. A
 * member whose circuit is open is passed over (the last one is asked even so, as the dispatcher
 * tries its last target), and the first whose own rate limit admits the request is the one sent
 * to. When none admits, the request is refused 429 naming the last member asked.
 */
public final class MemberAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(MemberAdmission.class);

    private MemberAdmission() {}

    /**
     * The target a direct forward goes to.
     *
     * @param circuit the admitted member's circuit, told how the attempt went
     *     ({@code dispatch.HostRelay}); null outside pools, where the one target is sent to whatever
     *     its circuit says
     */
    public record Admitted(PlannedTarget target, CircuitBreaker circuit) {
        public Admitted {
            requireNonNull(target, "target");
        }
    }

    /**
     * The target to send to; fails with the {@link GatewayError} to answer when every member is at its limit.
     *
     * @param circuits each member's circuit breaker
     */
    public static CompletableFuture<Admitted> first(DispatchPlan plan, Function<PlannedTarget, CircuitBreaker> circuits) {
        PlannedTarget first = plan.first();
        if (first.member() == null) {
            return CompletableFuture.completedFuture(new Admitted(first, null));
        }
        List<PlannedTarget> members = new ArrayList<>();
        for (PlannedTarget t : plan.targets()) {
            if (t.member() == null || t.step() != first.step()) {
                break;
            }
            members.add(t);
        }
        return from(members, 0, circuits);
    }

    private static CompletableFuture<Admitted> from(List<PlannedTarget> members, int i, Function<PlannedTarget, CircuitBreaker> circuits) {
        boolean last = i == members.size() - 1;
        PlannedTarget t = members.get(i);
        CircuitBreaker circuit = circuits.apply(t);
        if (!circuit.tryAcquire() && !last) {
            LOG.debug("pool member {} passed over: its circuit is open", t.member().name());
            return from(members, i + 1, circuits);
        }
        return t.member().admit().handle((ok, failure) -> {
            if (failure != null) {
                LOG.warn("the rate limit of pool member {} could not be checked; it is passed over", t.member().name(), failure);
            }
            return failure == null && Boolean.TRUE.equals(ok);
        }).thenCompose(admitted -> {
            if (admitted) {
                return CompletableFuture.completedFuture(new Admitted(t, circuit));
            }
            // The trial the circuit may have granted is freed: this member was not sent to.
            circuit.onIgnore();
            if (!last) {
                return from(members, i + 1, circuits);
            }
            return CompletableFuture.failedFuture(GatewayError.of(ErrorType.RATE_LIMITED,
                    "pool member %s of %s is over its rate limit, and no other member is left", t.member().name(),
                    t.target().provider().slug()).with("member", t.member().name()));
        });
    }
}
