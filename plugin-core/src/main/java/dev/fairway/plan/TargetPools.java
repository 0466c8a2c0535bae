package dev.fairway.plan;

import dev.fairway.config.RouteConfig;
import java.util.List;

/**
 * Expands a target whose provider is a pool on its route into one target per member, in the order
 * the pool's strategy prefers (healthy members first). A target without a pool comes back alone.
 */
@FunctionalInterface
public interface TargetPools {
    /** No pools: every target stays as planned. */
    TargetPools NONE = (route, target) -> List.of(target);

    List<PlannedTarget> expand(RouteConfig route, PlannedTarget target);
}
