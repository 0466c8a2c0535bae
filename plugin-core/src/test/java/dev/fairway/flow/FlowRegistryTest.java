package dev.fairway.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.plan.FlowRoute;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.LimitGate;
import dev.fairway.quota.QuotaBackend;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Versions from the configuration and the admin API, across reloads; bounds; refusals naming the flow. */
class FlowRegistryTest {
    private static final ProviderRegistry PROVIDERS = ProviderRegistry.builtIn();

    private static String flow(String model) {
        return "{elements: [{id: s, type: start, outputs: {next: {elementId: m}}},"
                + " {id: m, type: model, properties: {provider: openai, model: " + model + "}, outputs: {success: {elementId: e}}}, {id: e, type: end}]}";
    }

    private static GatewayConfig config(String model) {
        return ConfigLoader.withEnv(Map.of()).parse("flows:\n  support: " + flow(model) + "\n");
    }

    private static FlowRegistry registry() {
        return new FlowRegistry(LimitGate.on(QuotaBackend.inMemory(TimeMeter.SYSTEM_MILLISECONDS)), () -> 0.5, Clock.systemUTC());
    }

    private static FlowRoute route(FlowRegistry r, String ref) {
        return r.route(mainRoute(), ref, Map.of(), new Headers(), null).join();
    }

    private static RouteConfig mainRoute() {
        return ConfigLoader.withEnv(Map.of()).parseRoute("{name: main}");
    }

    @Test
    void aReloadKeepsAdminVersionsAndAChangedConfigurationAddsOne() {
        FlowRegistry r = registry();
        r.load(config("gpt-4o"), PROVIDERS);
        assertThat(route(r, "support").version()).isEqualTo(1);
        r.put("support", json(flow("gpt-4.1")));
        assertThat(route(r, "support").hops().get(0).model()).isEqualTo("gpt-4.1");
        // The same configuration again: the admin version keeps serving.
        r.load(config("gpt-4o"), PROVIDERS);
        assertThat(route(r, "support").version()).isEqualTo(2);
        // A changed configuration is a new version, and serves.
        r.load(config("gpt-4o-mini"), PROVIDERS);
        FlowRoute now = route(r, "support");
        assertThat(now.version()).isEqualTo(3);
        assertThat(now.hops().get(0).model()).isEqualTo("gpt-4o-mini");
        assertThat(r.history("support").versions()).extracting(FlowVersion::origin).containsExactly("config", "admin", "config");
        assertThat(route(r, "support@2").hops().get(0).model()).isEqualTo("gpt-4.1");
        // A restart is a new registry: only the configuration's flows.
        FlowRegistry restarted = registry();
        restarted.load(config("gpt-4o-mini"), PROVIDERS);
        assertThat(restarted.history("support").versions()).hasSize(1);
    }

    @Test
    void aFlowNamingAnUnknownProviderIsRefusedAtLoadAndTheRunningOnesStay() {
        FlowRegistry r = registry();
        r.load(config("gpt-4o"), PROVIDERS);
        GatewayConfig bad = ConfigLoader.withEnv(Map.of()).parse("flows:\n  support: " + flow("x").replace("provider: openai", "provider: nowhere") + "\n");
        assertThatThrownBy(() -> r.load(bad, PROVIDERS)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("flows.support.elements[1](m).properties.provider: nowhere");
        assertThat(route(r, "support").hops().get(0).model()).isEqualTo("gpt-4o");
    }

    @Test
    void theConfigurationRefusesAnInvalidGraphNamingTheElement() {
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse("flows:\n  support: " + flow("m").replace("{id: e, type: end}", "{id: e, type: stop}") + "\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flows.support.elements[2](e).type: \"stop\"");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse("routes: [{name: a, flows: {x: {elements: []}}}]"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[0].flows.x.elements");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse("flows: {\"bad name\": " + flow("m") + "}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flows.bad name: not a flow name");
    }

    @Test
    void aFlowHeldAsJsonTextLoadsAsKongRoutesHoldIt() {
        String text = "{\\\"elements\\\": [{\\\"id\\\": \\\"s\\\", \\\"type\\\": \\\"start\\\", \\\"outputs\\\": {\\\"next\\\": {\\\"elementId\\\": \\\"m\\\"}}},"
                + " {\\\"id\\\": \\\"m\\\", \\\"type\\\": \\\"model\\\", \\\"properties\\\": {\\\"provider\\\": \\\"openai\\\", \\\"model\\\": \\\"gpt-4o\\\"},"
                + " \\\"outputs\\\": {\\\"success\\\": {\\\"elementId\\\": \\\"e\\\"}}}, {\\\"id\\\": \\\"e\\\", \\\"type\\\": \\\"end\\\"}], \\\"version\\\": 4}";
        RouteConfig route = ConfigLoader.withEnv(Map.of()).parseRoute("{\"name\": \"kong\", \"flows\": {\"text\": \"" + text + "\"}}");
        FlowRoute chosen = registry().route(route, "text", Map.of(), new Headers(), null).join();
        assertThat(chosen.header()).isEqualTo("text@4; branch=m");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("{\"flows\": {\"x\": \"{not json\"}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flows.x: not JSON");
    }

    @Test
    void versionsAndFlowsAreBounded() {
        FlowRegistry r = registry();
        com.fasterxml.jackson.databind.JsonNode one = json(flow("gpt-4o"));
        for (int i = 0; i < FlowHistory.MAX_VERSIONS + 5; i++) {
            r.put("busy", one);
        }
        assertThat(r.history("busy").versions()).hasSize(FlowHistory.MAX_VERSIONS);
        assertThat(r.history("busy").active()).isEqualTo(FlowHistory.MAX_VERSIONS + 5);
        assertThatThrownBy(() -> r.rollback("busy", 1)).isInstanceOf(GatewayError.class).hasMessageContaining("no version 1");
        for (int i = 1; i < FlowRegistry.MAX_FLOWS; i++) {
            r.put("f" + i, one);
        }
        assertThatThrownBy(() -> r.put("one-too-many", one)).isInstanceOf(GatewayError.class)
                .hasMessageContaining("at most " + FlowRegistry.MAX_FLOWS);
        // A new version of a stored flow is still accepted.
        assertThat(r.put("f1", one).version()).isEqualTo(2);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
            new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    private static com.fasterxml.jackson.databind.JsonNode json(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
