package dev.fairway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.provider.ProviderRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How Cloudflare's URL shapes pick a route (issue 19 item 8, issue 15 items 7 and 14).
 *
 * <p>Cloudflare documents every provider endpoint as {@code https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}/{provider}}
 * (developers.cloudflare.com/ai-gateway/usage/providers/*), and the Unified API page says "replace default with a
 * specific gateway ID": any gateway name of the account is served. Fairway has no account-wide gateway list, so
 * when no route pins a {@code gateway_id} every id reaches the default route; once ids are pinned, only they are.
 */
class CloudflareUrlShapeTest {
    private static final byte[] CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    private static Gateway gateway(String yaml) {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse(yaml);
        return new Gateway(c, ProviderRegistry.withCustom(c.customProviders()), List.of());
    }

    private static Decision decide(Gateway g, String target) {
        return g.decide(GatewayRequest.of("POST", target, Headers.of("content-type", "application/json"), CHAT)).join();
    }

    private static String route(Decision d) {
        assertThat(d).as("%s", d instanceof Decision.Answer a ? new String(a.body(), StandardCharsets.UTF_8) : "")
                .isInstanceOf(Decision.Forward.class);
        return ((Decision.Forward) d).exchange().match().route().name();
    }

    private static String body(Decision d) {
        return new String(((Decision.Answer) d).body(), StandardCharsets.UTF_8);
    }

    @Test
    void anyGatewayIdReachesTheDefaultRouteWhenNoneIsPinned() {
        // Cloudflare: "/v1/{account_id}/{gateway_id}/openai" for whatever gateway the account named, e.g. "my-gateway".
        Gateway g = gateway("routes: [{name: main, prefix: /}]");
        assertThat(route(decide(g, "/v1/acct123/my-gateway/openai/chat/completions"))).isEqualTo("main");
        assertThat(route(decide(g, "/v1/acct123/default/openai/chat/completions"))).isEqualTo("main");
    }

    @Test
    void withoutPinnedIdsTheDefaultRouteIsTheOneAtSlashNotTheFirstListed() {
        // Issue 15.7: /v1/{account}/default/... used to reach the first route listed, whatever its prefix and authentication.
        Gateway g = gateway("""
                routes:
                  - {name: secure, prefix: /secure}
                  - {name: open, prefix: /}
                """);
        assertThat(route(decide(g, "/v1/acct123/default/openai/chat/completions"))).isEqualTo("open");
    }

    @Test
    void pinnedGatewayIdsChooseTheirRoutesAndAnUnknownIdIsA404NamingIt() {
        Gateway g = gateway("""
                routes:
                  - {name: prod, prefix: /, gateway_id: prod}
                  - {name: staging, prefix: /staging, gateway_id: staging}
                """);
        assertThat(route(decide(g, "/v1/acct123/staging/openai/chat/completions"))).isEqualTo("staging");
        assertThat(route(decide(g, "/v1/acct123/prod/openai/chat/completions"))).isEqualTo("prod");
        Decision unknown = decide(g, "/v1/acct123/nightly/openai/chat/completions");
        assertThat(((Decision.Answer) unknown).status()).isEqualTo(404);
        assertThat(body(unknown)).contains("unknown gateway: nightly", "\"gateway_id\":\"nightly\"").doesNotContain("provider");
    }

    @Test
    void theSameExplicitGatewayIdOnTwoRoutesIsRefusedAtLoad() {
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse("""
                routes:
                  - {name: a, prefix: /a, gateway_id: shared}
                  - {name: b, prefix: /b, gateway_id: shared}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[1].gateway_id: shared is served by another route");
    }

    @Test
    void aHostsRouteServesAnyGatewayIdUnlessItPinsOne() {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse("{}");
        Gateway g = new Gateway(c, ProviderRegistry.builtIn(), List.of());
        var unpinned = ConfigLoader.withEnv(Map.of()).parse("routes: [{name: kong, prefix: /ai}]").routes().get(0);
        var pinned = ConfigLoader.withEnv(Map.of()).parse("routes: [{name: kong, prefix: /ai, gateway_id: gw}]").routes().get(0);
        GatewayRequest req = GatewayRequest.of("POST", "/v1/acct/other/openai/chat/completions", new Headers(), CHAT);
        assertThat(g.decide(req, unpinned).join()).isInstanceOf(Decision.Forward.class);
        assertThat(body(g.decide(req, pinned).join())).contains("unknown gateway: other");
    }

    @Test
    void theAccountIdIsValidatedLikeEveryOtherPathSegment() {
        // Issue 15.14: "/v1/../{gateway}/workers-ai/..." reached /client/v4/accounts/../ai/run/... with the gateway's token.
        Gateway g = gateway("routes: [{name: main, prefix: /}]");
        for (String account : List.of("..", ".", "a.b", "a%2Fb", "x".repeat(65))) {
            Decision d = decide(g, "/v1/" + account + "/default/workers-ai/@cf/meta/llama-3.1-8b-instruct");
            assertThat(((Decision.Answer) d).status()).as(account).isEqualTo(400);
            assertThat(body(d)).contains("\"field\":\"account_id\"");
        }
        Decision rest = g.decide(GatewayRequest.of("POST", "/client/v4/accounts/../ai/run/@cf/meta/m", new Headers(), CHAT)).join();
        assertThat(((Decision.Answer) rest).status()).isEqualTo(400);
        assertThat(body(rest)).contains("\"field\":\"account_id\"");
    }
}
