package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.retry.BreakerKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamCallsTest {
    private static RouteConfig route(String yaml) {
        return ConfigLoader.withEnv(Map.of()).parseRoute("name: r\n" + yaml);
    }

    private static PlannedTarget withModel(PlannedTarget t, String model) {
        return new PlannedTarget(t.step(), t.target(), model, t.stream(), t.translator(), t.lazyBody(), t.headers(), t.timeoutMs(), t.retry());
    }

    @Test
    void aModelTheClientNamesIsNotPartOfTheKey() {
        RouteConfig r = route("fallback: {targets: [{provider: mistral, model: mistral-small}]}");
        PlannedTarget openai = Fakes.target(0, "openai", 1);
        BreakerKey a = UpstreamCalls.breakerKey(r, withModel(openai, "invented-1"));
        assertThat(UpstreamCalls.breakerKey(r, withModel(openai, "invented-2"))).isEqualTo(a);
        assertThat(a).isEqualTo(new BreakerKey("r", "openai", "https://openai.example:443", null));
        assertThat(UpstreamCalls.breakerKey(r, withModel(openai, null))).isEqualTo(a);
        assertThat(UpstreamCalls.breakerKey(r, withModel(openai, "mistral-small"))).as("configured for another provider").isEqualTo(a);
    }

    @Test
    void aModelTheRouteConfiguresIsPartOfTheKey() {
        RouteConfig r = route("fallback: {targets: [{provider: mistral, model: mistral-small}, {provider: mistral}]}");
        PlannedTarget mistral = Fakes.target(1, "mistral", 1);
        assertThat(UpstreamCalls.breakerKey(r, withModel(mistral, "mistral-small")).configuredModel()).isEqualTo("mistral-small");
        assertThat(UpstreamCalls.breakerKey(r, withModel(mistral, "mistral-large")).configuredModel()).isNull();
    }

    @Test
    void theFirstByteTimeIsTheTargetsThenTheRequestsThenTheRoutes() {
        PlannedTarget t = Fakes.target(0, "openai", 1);
        PlannedTarget own = new PlannedTarget(0, t.target(), t.model(), false, null, null, t.headers(), 250, t.retry());
        assertThat(own.timeoutMs()).isEqualTo(250);
        assertThat(UpstreamCalls.timeoutMs(null, own)).isEqualTo(250);
    }
}
