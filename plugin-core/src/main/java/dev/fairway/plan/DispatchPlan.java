package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.retry.BreakerSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The targets a request tries, in order, and what moves it from one to the next. The first is the
 * target the client asked for; the rest come from the route's fallback chain or a Universal request.
 *
 * @param skipped targets left out before any call (forbidden by policy, no translator), for the log
 * @param stepFallbackOn statuses that move on, for steps that narrowed the plan's set (a Universal step's {@code fallbackOn})
 */
public record DispatchPlan(List<PlannedTarget> targets, Set<Integer> fallbackOn, BreakerSettings breaker, List<String> skipped,
                           Map<Integer, Set<Integer>> stepFallbackOn) {
    public DispatchPlan {
        targets = List.copyOf(requireNonNull(targets, "targets"));
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: empty (expected: at least one)");
        }
        fallbackOn = Set.copyOf(fallbackOn);
        requireNonNull(breaker, "breaker");
        skipped = List.copyOf(skipped);
        stepFallbackOn = Map.copyOf(stepFallbackOn);
    }

    public DispatchPlan(List<PlannedTarget> targets, Set<Integer> fallbackOn, BreakerSettings breaker, List<String> skipped) {
        this(targets, fallbackOn, breaker, skipped, Map.of());
    }

    /** Whether upstream status {@code status} of step {@code step} moves on to the next target: the step's own set, else the plan's. */
    public boolean fallsBackOn(int step, int status) {
        return stepFallbackOn.getOrDefault(step, fallbackOn).contains(status);
    }

    /** The target of step {@code step}, else the first (a step that is not in the plan answers nothing). */
    public PlannedTarget atStep(int step) {
        for (PlannedTarget t : targets) {
            if (t.step() == step) {
                return t;
            }
        }
        return first();
    }

    public PlannedTarget first() {
        return targets.get(0);
    }
}
