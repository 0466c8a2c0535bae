package dev.fairway.plan;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's direct forward (Envoy's direct mode) sends one request to one target, with no
 * dispatcher to move on after a refusal: when the plan's first target is a pool member, the
 * members of that step are asked in the pool's order, and the first whose own rate limit admits the
 * request is the one sent to, as the dispatcher passes over a member at its limit. When none
 * admits, the request is refused 429 naming the last member asked.
 */
public final class MemberAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(MemberAdmission.class);

    private MemberAdmission() {}

    /** The target to send to; fails with the {@link GatewayError} to answer when every member is at its limit. */
    public static CompletableFuture<PlannedTarget> first(DispatchPlan plan) {
        PlannedTarget first = plan.first();
        if (first.member() == null) {
            return CompletableFuture.completedFuture(first);
        }
        List<PlannedTarget> members = new ArrayList<>();
        for (PlannedTarget t : plan.targets()) {
            if (t.member() == null || t.step() != first.step()) {
                break;
            }
            members.add(t);
        }
        return from(members, 0);
    }

    private static CompletableFuture<PlannedTarget> from(List<PlannedTarget> members, int i) {
        PlannedTarget t = members.get(i);
        return t.member().admit().handle((ok, failure) -> {
            if (failure != null) {
                LOG.warn("the rate limit of pool member {} could not be checked; it is passed over", t.member().name(), failure);
            }
            return failure == null && Boolean.TRUE.equals(ok);
        }).thenCompose(admitted -> {
            if (admitted) {
                return CompletableFuture.completedFuture(t);
            }
            if (i + 1 < members.size()) {
                return from(members, i + 1);
            }
            return CompletableFuture.failedFuture(GatewayError.of(ErrorType.RATE_LIMITED,
                    "pool member %s of %s is over its rate limit, and no other member is left", t.member().name(),
                    t.target().provider().slug()).with("member", t.member().name()));
        });
    }
}
