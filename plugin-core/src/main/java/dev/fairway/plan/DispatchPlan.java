package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.retry.BreakerSettings;
import java.util.List;
import java.util.Set;

/**
 * The targets a request tries, in order, and what moves it from one to the next. The first is the
 * target the client asked for; the rest come from the route's fallback chain or a Universal request.
 *
 * @param skipped targets left out before any call (forbidden by policy, no translator), for the log
 */
public record DispatchPlan(List<PlannedTarget> targets, Set<Integer> fallbackOn, BreakerSettings breaker, List<String> skipped) {
    public DispatchPlan {
        targets = List.copyOf(requireNonNull(targets, "targets"));
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: empty (expected: at least one)");
        }
        fallbackOn = Set.copyOf(fallbackOn);
        requireNonNull(breaker, "breaker");
        skipped = List.copyOf(skipped);
    }

    public PlannedTarget first() {
        return targets.get(0);
    }
}
