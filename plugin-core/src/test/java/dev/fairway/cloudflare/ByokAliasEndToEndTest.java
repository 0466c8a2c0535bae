package dev.fairway.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several stored keys per provider, picked with cf-aig-byok-alias (issue 19 item 6); rotation: {@code ByokAliasReloadTest}. */
class ByokAliasEndToEndTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String PATH = "/openai/v1/chat/completions";

    private GatewayHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private String lastAuthorization() {
        var requests = harness.mock().requests();
        return requests.get(requests.size() - 1).header("authorization").orElseThrow();
    }

    @Test
    void theAliasHeaderPicksAKeyAndTheDefaultServesRequestsWithoutIt() {
        // Cloudflare, AI Gateway "Workers Bindings": keys are stored under aliases, "default" is used
        // without a header, and "To select a non-default alias, use the provider-native endpoints with
        // the cf-aig-byok-alias header."
        harness = GatewayHarness.start("""
                providers:
                  openai: {base_url: "MOCK/v1", api_key: "sk-default-key", api_keys: {team-b: "sk-team-b-key"}}
                routes: [{name: r}]
                """, MockOptions.defaults());

        assertThat(harness.post(PATH, CHAT, "authorization", "Bearer sk-client").statusCode()).isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer sk-default-key");
        assertThat(harness.post(PATH, CHAT, "cf-aig-byok-alias", "team-b").statusCode()).isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer sk-team-b-key");
        assertThat(harness.post(PATH, CHAT, "cf-aig-byok-alias", "default").statusCode()).isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer sk-default-key");
    }

    @Test
    void anUnknownAliasIsA400NamingIt() {
        harness = GatewayHarness.start("""
                providers:
                  openai: {base_url: "MOCK/v1", api_key: "sk-default-key", api_keys: {team-b: "sk-team-b-key"}}
                routes: [{name: r}]
                """, MockOptions.defaults());

        HttpResponse<String> r = harness.post(PATH, CHAT, "cf-aig-byok-alias", "team-c");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"error\":{\"type\":\"invalid_header\",\"header\":\"cf-aig-byok-alias\"")
                .contains("\"alias\":\"team-c\"").contains("no openai key is stored under alias 'team-c'")
                .doesNotContain("sk-");
        assertThat(harness.mock().requestCount()).isZero();
    }
}
