package dev.fairway.flow;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.host.HostBridge;
import dev.fairway.host.HostResult;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.GatewayRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The path every host adapter takes (Kong, APISIX and Envoy hand their route to {@link HostBridge}):
 * a flow in the host's route settings decides the target the host is told to forward to.
 */
class FlowHostRouteTest {

    @Test
    void aHostRoutesFlowPicksTheForwardedTarget() {
        try (Fairway fairway = Fairway.builder(ConfigLoader.defaults()).start()) {
            HostBridge bridge = new HostBridge(fairway.gateway(), fairway.dispatcher());
            RouteConfig route = ConfigLoader.withEnv(Map.of()).parseRoute("""
                    {name: kong-route, flows: {tiers: {elements: [
                      {id: s, type: start, outputs: {next: {elementId: c}}},
                      {id: c, type: conditional, properties: {condition: {headers.x-tier: gold}}, outputs: {"true": {elementId: gold}, "false": {elementId: basic}}},
                      {id: gold, type: model, properties: {provider: anthropic, model: claude-sonnet-4-5, timeout: 5000}, outputs: {success: {elementId: e}}},
                      {id: basic, type: model, properties: {provider: openai, model: gpt-4o-mini}, outputs: {success: {elementId: e}}},
                      {id: e, type: end}]}}}
                    """);
            HostResult gold = bridge.handle(request("gold"), route, 5_000).await();
            assertThat(gold).isInstanceOf(HostResult.ForwardByTicket.class);
            var exchange = ((HostResult.ForwardByTicket) gold).exchange();
            assertThat(exchange.target().provider().slug()).isEqualTo("anthropic");
            assertThat(exchange.model()).isEqualTo("claude-sonnet-4-5");
            assertThat(exchange.facts().flow().header()).isEqualTo("tiers@1; branch=gold");
            assertThat(exchange.plan().first().timeoutMs()).isEqualTo(5000);
            HostResult basic = bridge.handle(request("none"), route, 5_000).await();
            assertThat(((HostResult.ForwardByTicket) basic).exchange().model()).isEqualTo("gpt-4o-mini");
            HostResult unknown = bridge.handle(new GatewayRequest("POST", "/compat/chat/completions", Headers.of("content-type", "application/json"),
                    "{\"model\":\"dynamic/other\",\"messages\":[]}".getBytes(UTF_8), null), route, 5_000).await();
            assertThat(((HostResult.Answer) unknown).status()).isEqualTo(404);
        }
    }

    private static GatewayRequest request(String tier) {
        return new GatewayRequest("POST", "/compat/chat/completions", Headers.of("content-type", "application/json", "x-tier", tier),
                "{\"model\":\"dynamic/tiers\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(UTF_8), null);
    }
}
