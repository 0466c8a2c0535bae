package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 15, item 6: the gateway's provider keys serve inference, embeddings and models, and what a route adds; nothing else. */
class KeyScopeTest {
    private static final String GATEWAY_KEY = "sk-gateway-held-key";
    private static final Gateway GATEWAY = gateway("""
            providers:
              openai: {api_key: sk-gateway-held-key}
              anthropic: {api_key: sk-ant-gateway}
            routes:
              - {name: plain, prefix: /}
              - name: batches
                prefix: /b
                providers:
                  openai: {key_operations: ["POST batches", "GET files/*"]}
            """);

    private static Gateway gateway(String yaml) {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse(yaml);
        return new Gateway(c, ProviderRegistry.withCustom(c.customProviders()), List.of());
    }

    private static Decision decide(String method, String target, String... headers) {
        return GATEWAY.decide(GatewayRequest.of(method, target, Headers.of(headers), new byte[0])).join();
    }

    private static String body(Decision d) {
        return new String(((Decision.Answer) d).body(), StandardCharsets.UTF_8);
    }

    @Test
    void aCustomProvidersKeyServesItsWireFormatsOperationsWhereverItsBaseUrlEnds() {
        // Custom providers append the path as given, so an OpenAI-compatible server whose base_url has no /v1
        // is called with v1/chat/completions; an Anthropic-format one borrows Anthropic's operations.
        Gateway g = gateway("""
                custom_providers:
                  - {slug: vllm, base_url: "http://127.0.0.1:1", auth: bearer}
                  - {slug: claude-proxy, base_url: "http://127.0.0.1:1", auth: x-api-key, format: anthropic}
                providers:
                  vllm: {api_key: sk-vllm}
                  claude-proxy: {api_key: sk-claude}
                """);
        for (String target : List.of("/vllm/v1/chat/completions", "/vllm/chat/completions", "/claude-proxy/v1/messages")) {
            Decision d = g.decide(GatewayRequest.of("POST", target, Headers.of("content-type", "application/json"),
                    "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8))).join();
            assertThat(d).as(target).isInstanceOf(Decision.Forward.class);
        }
        Decision admin = g.decide(GatewayRequest.of("DELETE", "/vllm/v1/files/f-1", Headers.of(), new byte[0])).join();
        assertThat(((Decision.Answer) admin).status()).isEqualTo(403);
    }

    @Test
    void adminAndDataOperationsAreRefusedWithTheGatewaysKey() {
        for (String[] op : new String[][] {{"DELETE", "/openai/v1/files/file-abc", "DELETE files/file-abc"},
                {"GET", "/openai/v1/organization/admin_api_keys", "GET organization/admin_api_keys"},
                {"POST", "/openai/v1/fine_tuning/jobs", "POST fine_tuning/jobs"},
                {"GET", "/anthropic/v1/organizations/users", "GET v1/organizations/users"}}) {
            Decision d = decide(op[0], op[1]);
            assertThat(d).as(op[1]).isInstanceOf(Decision.Answer.class);
            assertThat(((Decision.Answer) d).status()).as(op[1]).isEqualTo(403);
            assertThat(body(d)).as(op[1]).contains("\"operation\":\"" + op[2] + "\"", op[1].startsWith("/openai")
                            ? "it serves: inference, embeddings, models" : "it serves: inference, models")
                    .doesNotContain(GATEWAY_KEY);
        }
    }

    @Test
    void theClientsOwnKeyCarriesOperationsOutsideTheList() {
        Decision d = decide("DELETE", "/openai/v1/files/file-abc", "authorization", "Bearer sk-client-own");
        assertThat(d).isInstanceOf(Decision.Forward.class);
        var upstream = ((Decision.Forward) d).exchange().upstreamRequest();
        assertThat(upstream.headers().get("authorization")).isEqualTo("Bearer sk-client-own");
    }

    @Test
    void inferenceEmbeddingsAndModelsUseTheGatewaysKey() {
        for (String[] op : new String[][] {{"POST", "/openai/v1/chat/completions"}, {"POST", "/openai/embeddings"},
                {"GET", "/openai/v1/models"}, {"GET", "/openai/v1/models/gpt-4o"}}) {
            Decision d = decide(op[0], op[1], "authorization", "Bearer sk-client-own");
            assertThat(d).as(op[1]).isInstanceOf(Decision.Forward.class);
            assertThat(((Decision.Forward) d).exchange().upstreamRequest().headers().get("authorization")).as(op[1])
                    .isEqualTo("Bearer " + GATEWAY_KEY);
        }
        Decision messages = decide("POST", "/anthropic/v1/messages", "x-api-key", "sk-ant-client");
        assertThat(((Decision.Forward) messages).exchange().upstreamRequest().headers().get("x-api-key")).isEqualTo("sk-ant-gateway");
    }

    @Test
    void aRouteAddsOperationsForItselfOnly() {
        Decision own = decide("POST", "/b/openai/v1/batches");
        assertThat(own).isInstanceOf(Decision.Forward.class);
        assertThat(((Decision.Forward) own).exchange().upstreamRequest().headers().get("authorization")).isEqualTo("Bearer " + GATEWAY_KEY);
        assertThat(decide("GET", "/b/openai/v1/files/file-1")).isInstanceOf(Decision.Forward.class);
        assertThat(((Decision.Answer) decide("POST", "/openai/v1/batches")).status()).isEqualTo(403);
        assertThat(((Decision.Answer) decide("DELETE", "/b/openai/v1/files/file-1")).status()).isEqualTo(403);
    }

    @Test
    void everyBuiltInProviderListsItsInferenceOperations() {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        for (String slug : registry.slugs()) {
            Provider p = registry.get(slug);
            assertThat(p.keyOperations().names()).as(slug).contains("inference");
        }
        Provider google = registry.get("google-ai-studio");
        assertThat(google.keyOperations().match("POST", "v1beta/models/gemini-2.5-flash:streamGenerateContent")).isEqualTo("inference");
        assertThat(google.keyOperations().match("POST", "v1beta/tunedModels/x:generateContent")).isNull();
        assertThat(registry.get("workers-ai").keyOperations().match("POST", "@cf/meta/llama-3.1-8b-instruct")).isEqualTo("inference");
        assertThat(registry.get("aws-bedrock").keyOperations().match("POST", "model/amazon.nova-pro-v1:0/converse")).isEqualTo("inference");
    }

    @Test
    void malformedRouteOperationsAreConfigProblems() {
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse("providers: {openai: {key_operations: [\"FETCH files\", \"POST /abs\"]}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers.openai.key_operations[0]: FETCH files (expected: \"METHOD path\"")
                .hasMessageContaining("key_operations[1]: POST /abs (expected: a path without a leading /");
    }
}
