package dev.fairway;

import dev.fairway.cache.CacheStage;
import dev.fairway.config.GatewayConfig;
import dev.fairway.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard stages, in the order a request meets them (DESIGN.md s.2): authenticate, policy,
 * quotas, cache. Each feature adds its one line here.
 */
final class Stages {
    private Stages() {}

    static List<Stage> standard(GatewayConfig config) {
        List<Stage> stages = new ArrayList<>();
        stages.add(CacheStage.create(config));
        return stages;
    }
}
