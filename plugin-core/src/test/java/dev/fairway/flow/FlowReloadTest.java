package dev.fairway.flow;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.GatewayRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A configuration reload reaches the flows: a changed flow serves its new version; an invalid one leaves the running ones. */
class FlowReloadTest {

    private static GatewayConfig config(String provider, String model) {
        return ConfigLoader.withEnv(Map.of()).parse("""
                server: {port: 0, admin_port: 0}
                flows:
                  f: {elements: [{id: s, type: start, outputs: {next: {elementId: m}}},
                     {id: m, type: model, properties: {provider: PROVIDER, model: MODEL}, outputs: {success: {elementId: e}}}, {id: e, type: end}]}
                """.replace("PROVIDER", provider).replace("MODEL", model));
    }

    @Test
    void aReloadServesTheNewVersion() {
        try (Fairway fairway = Fairway.builder(config("openai", "gpt-4o")).start()) {
            assertThat(forwardedModel(fairway)).isEqualTo("gpt-4o@1");
            fairway.reload(config("openai", "gpt-4.1"));
            assertThat(forwardedModel(fairway)).isEqualTo("gpt-4.1@2");
            assertThatThrownBy(() -> fairway.reload(config("nowhere", "x"))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("flows.f.elements[1](m).properties.provider: nowhere");
            assertThat(forwardedModel(fairway)).isEqualTo("gpt-4.1@2");
        }
    }

    private static String forwardedModel(Fairway fairway) {
        Decision d = fairway.gateway().decide(new GatewayRequest("POST", "/compat/chat/completions", Headers.of("content-type", "application/json"),
                "{\"model\":\"dynamic/f\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(UTF_8), null)).join();
        assertThat(d).isInstanceOf(Decision.Forward.class);
        var exchange = ((Decision.Forward) d).exchange();
        String model = exchange.model() + "@" + exchange.facts().flow().version();
        exchange.complete(dev.fairway.pipeline.Completion.abandoned(exchange.elapsedNanos()));
        return model;
    }
}
