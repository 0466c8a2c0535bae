package dev.fairway.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtProcConfigTest {
    private static final ConfigLoader LOADER = ConfigLoader.withEnv(Map.of());

    @Test
    void envoySectionIsReadBesideTheCoreConfig() {
        ExtProcConfig c = ExtProcConfig.parse("""
                routes:
                  - {name: chat, prefix: /chat}
                  - {name: fast, prefix: /fast}
                envoy:
                  route_metadata: x-aigw-route
                  upstream_header: x-aigw-cluster
                  dispatcher_upstream: fw
                  decision_timeout_ms: 900
                  on_timeout: continue
                  routes:
                    fast: {mode: direct, upstreams: {openai: openai-eu}}
                """, LOADER);

        assertThat(c.gateway().routes()).extracting(r -> r.name()).containsExactly("chat", "fast");
        assertThat(c.envoy().routeMetadata()).isEqualTo("x-aigw-route");
        assertThat(c.envoy().upstreamHeader()).isEqualTo("x-aigw-cluster");
        assertThat(c.envoy().dispatcherUpstream()).isEqualTo("fw");
        assertThat(c.envoy().decisionTimeoutMs()).isEqualTo(900);
        assertThat(c.envoy().onTimeout()).isEqualTo(TimeoutPolicy.CONTINUE);
        assertThat(c.envoy().route("chat")).isEqualTo(EnvoyRoute.DEFAULT);
        assertThat(c.envoy().route("fast").mode()).isEqualTo(ForwardMode.DIRECT);
        assertThat(c.envoy().route("fast").upstreamFor("openai")).isEqualTo("openai-eu");
        assertThat(c.envoy().route("fast").upstreamFor("anthropic")).isEqualTo("anthropic");
    }

    @Test
    void withoutEnvoySectionTheDefaultsApply() {
        ExtProcConfig c = ExtProcConfig.parse("routes: [{name: chat}]", LOADER);
        assertThat(c.envoy()).isEqualTo(EnvoySettings.defaults());
        assertThat(ExtProcConfig.defaults().gateway().routes()).extracting(r -> r.name()).containsExactly("default");
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        assertThatThrownBy(() -> ExtProcConfig.parse("""
                routes: [{name: chat}]
                envoy:
                  route_metadata: X Route
                  decision_timeout_ms: 0
                  on_timeout: maybe
                  colour: blue
                  default_route: nowhere
                  routes:
                    chat: {mode: sideways, upstreams: {openai: 5}}
                    ghost: {}
                """, LOADER))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "envoy.route_metadata: X Route (expected: a lower-case header name such as x-fairway-route)",
                        "envoy.decision_timeout_ms: 0 (expected: 1..3600000)",
                        "envoy.on_timeout: maybe (expected: reject or continue)",
                        "envoy.colour: unknown field (known: decision_timeout_ms, default_route, dispatcher_upstream, on_timeout, route_metadata, routes, upstream_header)",
                        "envoy.default_route: nowhere is no route in routes (known: chat)",
                        "envoy.routes.chat.mode: sideways (expected: dispatcher or direct)",
                        "envoy.routes.chat.upstreams.openai: expected a non-empty string",
                        "envoy.routes.ghost: no route of this name in routes (known: chat)"));
    }

    @Test
    void coreProblemsKeepTheirPaths() {
        assertThatThrownBy(() -> ExtProcConfig.parse("routes: [{name: chat, request_timeout_ms: -1}]\nenvoy: {}", LOADER))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].request_timeout_ms: -1 (expected: > 0)");
    }

    @Test
    void grpcMessageLimitFollowsTheLargestRouteBody() {
        ExtProcConfig c = ExtProcConfig.parse("routes: [{name: a, prefix: /a, max_body_bytes: 1000}, {name: b, prefix: /b, max_body_bytes: 20971520}]", LOADER);
        assertThat(ExtProcServer.maxInboundMessageSize(c)).isEqualTo(20971520 + ExtProcServer.MESSAGE_OVERHEAD);
        assertThat(ExtProcServer.maxInboundMessageSize(ExtProcConfig.defaults())).isGreaterThan(4 * 1024 * 1024);
    }
}
