package dev.fairway.auth;

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

class AuthenticationTest {
    private static final String ALICE_OLD = "fwy_alice-old-0123456789abcdef";
    private static final String ALICE_NEW = "fwy_alice-new-0123456789abcdef";
    private static final String BOB = "fwy_bob-0123456789abcdef";
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

    private final Gateway gateway = gateway("""
            routes:
              - name: secured
                prefix: /ai
                auth:
                  enabled: true
                  clients:
                    - {name: alice, token_sha256: [%s, %s]}
                    - {name: bob, token_sha256: %s}
              - name: kong
                prefix: /kong
                auth: {enabled: true, accept_host_consumer: true, clients: [{name: bob, token_sha256: %s}]}
              - name: open
                prefix: /open
            """.formatted(TokenHashes.hash(ALICE_OLD), TokenHashes.hash(ALICE_NEW), TokenHashes.hash(BOB), TokenHashes.hash(BOB)));

    private static Gateway gateway(String yaml) {
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse(yaml);
        return new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of());
    }

    private Decision decide(String path, String consumer, String... headers) {
        Headers h = Headers.of(headers).set("content-type", "application/json");
        return gateway.decide(new GatewayRequest("POST", path, h, BODY.getBytes(StandardCharsets.UTF_8), consumer)).join();
    }

    private static String identity(Decision d) {
        assertThat(d).isInstanceOf(Decision.Forward.class);
        return ((Decision.Forward) d).exchange().facts().clientIdentity();
    }

    private static String refusal(Decision d) {
        assertThat(d).isInstanceOf(Decision.Answer.class);
        Decision.Answer a = (Decision.Answer) d;
        assertThat(a.status()).isEqualTo(401);
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    @Test
    void validTokenIsAcceptedAndNamesTheClient() {
        assertThat(identity(decide("/ai/openai/v1/chat/completions", null, "cf-aig-authorization", "Bearer " + BOB))).isEqualTo("bob");
    }

    @Test
    void rotationAcceptsBothTokensOfOneClient() {
        assertThat(identity(decide("/ai/openai/v1/chat/completions", null, "cf-aig-authorization", "Bearer " + ALICE_OLD))).isEqualTo("alice");
        assertThat(identity(decide("/ai/openai/v1/chat/completions", null, "cf-aig-authorization", "Bearer " + ALICE_NEW))).isEqualTo("alice");
    }

    @Test
    void wrongAndMissingTokensGetTheSameUninformative401() {
        String wrong = refusal(decide("/ai/openai/v1/chat/completions", null, "cf-aig-authorization", "Bearer fwy_guess"));
        String missing = refusal(decide("/ai/openai/v1/chat/completions", null));
        String nearMiss = refusal(decide("/ai/openai/v1/chat/completions", null, "cf-aig-authorization", "Bearer " + BOB + "x"));
        assertThat(wrong).isEqualTo(missing).isEqualTo(nearMiss)
                .contains("\"type\":\"unauthorized\"", "\"header\":\"cf-aig-authorization\"");
        for (String secret : List.of(ALICE_OLD, ALICE_NEW, BOB, TokenHashes.hash(BOB), TokenHashes.hash(ALICE_OLD), "alice", "bob", "fwy_guess")) {
            assertThat(wrong).doesNotContain(secret);
        }
    }

    @Test
    void refusalCarriesTheLogId() {
        Decision.Answer a = (Decision.Answer) decide("/ai/openai/v1/chat/completions", null);
        assertThat(a.headers().get("cf-aig-log-id")).isNotBlank();
    }

    @Test
    void malformedHeaderIsA400NamingIt() {
        Decision.Answer a = (Decision.Answer) decide("/ai/openai/v1/chat/completions", null, "cf-aig-authorization", "Basic abc");
        assertThat(a.status()).isEqualTo(400);
        assertThat(new String(a.body(), StandardCharsets.UTF_8)).contains("cf-aig-authorization").doesNotContain("abc");
    }

    @Test
    void hostConsumerIsAcceptedOnlyWhereTheRouteSaysSo() {
        assertThat(identity(decide("/kong/openai/v1/chat/completions", "team-search"))).isEqualTo("team-search");
        refusal(decide("/ai/openai/v1/chat/completions", "team-search"));
        refusal(decide("/kong/openai/v1/chat/completions", null));
    }

    @Test
    void hostConfiguredRouteAcceptsItsConsumer() {
        // What the Kong and APISIX adapters do: the route comes from the plugin's config, the consumer from the host.
        var route = ConfigLoader.withEnv(Map.of()).parseRoute("auth: {accept_host_consumer: true}");
        Decision d = gateway.decide(new GatewayRequest("POST", "/openai/v1/chat/completions", Headers.of("content-type", "application/json"),
                BODY.getBytes(StandardCharsets.UTF_8), "kong-consumer-42"), route).join();
        assertThat(identity(d)).isEqualTo("kong-consumer-42");
        Decision anonymous = gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", Headers.of("content-type", "application/json"),
                BODY.getBytes(StandardCharsets.UTF_8)), route).join();
        refusal(anonymous);
    }

    @Test
    void aPresentedTokenIsCheckedEvenWithAHostConsumer() {
        assertThat(identity(decide("/kong/openai/v1/chat/completions", "team-search", "cf-aig-authorization", "Bearer " + BOB))).isEqualTo("bob");
        refusal(decide("/kong/openai/v1/chat/completions", "team-search", "cf-aig-authorization", "Bearer wrong"));
    }

    @Test
    void listingClientsTurnsAuthOnUnlessExplicitlyOff() {
        ConfigLoader loader = ConfigLoader.withEnv(Map.of());
        String client = "{name: a, token_sha256: %s}".formatted(TokenHashes.hash(BOB));
        assertThat(loader.parseRoute("auth: {clients: [" + client + "]}").auth().enabled()).isTrue();
        assertThat(loader.parseRoute("auth: {accept_host_consumer: true}").auth().enabled()).isTrue();
        assertThat(loader.parseRoute("auth: {enabled: false, clients: [" + client + "]}").auth().enabled()).isFalse();
        assertThat(loader.parseRoute("{}").auth().enabled()).isFalse();
    }

    @Test
    void routeWithoutAuthLetsEveryoneThroughAnonymously() {
        assertThat(identity(decide("/open/openai/v1/chat/completions", null))).isNull();
        assertThat(((Decision.Forward) decide("/open/openai/v1/chat/completions", null)).exchange().steps()).isEmpty();
    }

    @Test
    void configProblemsNameTheFieldButNeverTheValue() {
        String token = "fwy_pasted-token-instead-of-its-hash";
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("""
                auth: {enabled: true, clients: [{name: ci, token_sha256: [%s]}]}
                """.formatted(token)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.clients[0].token_sha256[0]")
                .hasMessageNotContaining(token);
    }

    @Test
    void sharedTokenAndDuplicateNamesAndEmptyClientListAreRejected() {
        String h = TokenHashes.hash("shared");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("""
                auth: {enabled: true, clients: [{name: a, token_sha256: %s}, {name: a, token_sha256: [%s]}]}
                """.formatted(h, h)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.clients[1].name: a is also clients[0]")
                .hasMessageContaining("auth.clients[1].token_sha256[0]: the same token hash is also listed for clients[0]")
                .hasMessageNotContaining(h);
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("auth: {clients: [null], accept_host_consumer: false}"))
                .hasMessageContaining("auth.clients[0]: must not be null");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("auth: {clients: [{name: x, token_sha256: [null]}]}"))
                .hasMessageContaining("auth.clients[0].token_sha256[0]: must not be null");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("auth: {enabled: true}"))
                .hasMessageContaining("auth.clients: empty while enabled is true");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("auth: {enabled: true, clients: [{name: x}]}"))
                .hasMessageContaining("auth.clients[0].token_sha256: required");
    }
}
