package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Where {@code /compat/chat/completions} sends each provider Cloudflare lists for its Unified API
 * (developers.cloudflare.com/ai-gateway/usage/chat-completion: "Specify the model using {provider}/{model}"),
 * and the Universal endpoint's steps for the same providers.
 */
class CompatProvidersTest {
    private static final GatewayConfig CONFIG = ConfigLoader.withEnv(Map.of()).parse("""
            custom_providers:
              - {slug: vllm, base_url: "http://10.1.2.3:8000/v1"}
            providers:
              google-vertex-ai: {params: {project: p1}}
            routes: [{name: main}]
            """);
    private static final Gateway GATEWAY = new Gateway(CONFIG, ProviderRegistry.withCustom(CONFIG.customProviders()), List.of());

    private static Decision compat(String target, String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return GATEWAY.decide(GatewayRequest.of("POST", target, Headers.of("content-type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8))).join();
    }

    private static String upstream(Decision d) {
        assertThat(d).as("%s", d instanceof Decision.Answer a ? new String(a.body(), StandardCharsets.UTF_8) : "")
                .isInstanceOf(Decision.Forward.class);
        return ((Decision.Forward) d).exchange().upstreamRequest().uri().toString();
    }

    @Test
    void workersAiModelsReachTheOpenAiCompatibleEndpointWithTheUrlsAccount() {
        // Cloudflare's get-started: model "workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast" on /v1/{account_id}/default/compat;
        // Workers AI serves OpenAI chat at /client/v4/accounts/{account_id}/ai/v1/chat/completions.
        assertThat(upstream(compat("/v1/acct123/default/compat/chat/completions", "workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast", false)))
                .isEqualTo("https://api.cloudflare.com/client/v4/accounts/acct123/ai/v1/chat/completions");
    }

    @Test
    void perplexityIsAnAliasOfPerplexityAi() {
        // Cloudflare's Perplexity page names the compat model "perplexity/{model}".
        Decision d = compat("/compat/chat/completions", "perplexity/sonar", false);
        assertThat(upstream(d)).isEqualTo("https://api.perplexity.ai/chat/completions");
        assertThat(((Decision.Forward) d).exchange().target().provider().slug()).isEqualTo("perplexity-ai");
    }

    @Test
    void vertexWithoutARegionUsesTheGlobalEndpoint() {
        // Cloudflare's Vertex page: compat model "google-vertex-ai/google/gemini-2.5-pro"; Google's global location is
        // served at aiplatform.googleapis.com (no region prefix in the host).
        assertThat(upstream(compat("/compat/chat/completions", "google-vertex-ai/google/gemini-2.5-pro", false)))
                .isEqualTo("https://aiplatform.googleapis.com/v1/projects/p1/locations/global/publishers/google/models/gemini-2.5-pro:generateContent");
        assertThat(upstream(compat("/compat/chat/completions", "google-vertex-ai/google/gemini-2.5-pro", true)))
                .isEqualTo("https://aiplatform.googleapis.com/v1/projects/p1/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    }

    @Test
    void vertexWithAConfiguredRegionUsesThatRegionsHost() {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse("providers: {google-vertex-ai: {params: {project: p1, region: europe-west4}}}");
        Gateway g = new Gateway(c, ProviderRegistry.builtIn(), List.of());
        Decision d = g.decide(GatewayRequest.of("POST", "/compat/chat/completions", Headers.of("content-type", "application/json"),
                "{\"model\":\"google-vertex-ai/gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes())).join();
        assertThat(upstream(d)).isEqualTo(
                "https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent");
    }

    @Test
    void customProvidersAnswerToCloudflaresCustomSlugName() {
        // Cloudflare's custom providers: compat model "custom-{slug}/{model}", path "custom-{slug}/{provider-path}".
        assertThat(upstream(compat("/compat/chat/completions", "custom-vllm/llama", false)))
                .isEqualTo("http://10.1.2.3:8000/v1/chat/completions");
    }

    @Test
    void universalStepsReachTheSameProvidersByTheNamesCloudflareUses() {
        // Cloudflare's Universal example: {"provider": "workers-ai", "endpoint": "@cf/meta/llama-3-8b-instruct", ...} on
        // https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}.
        String steps = """
                [{"provider": "workers-ai", "endpoint": "@cf/meta/llama-3-8b-instruct", "headers": {}, "query": {"messages": []}},
                 {"provider": "workers-ai", "endpoint": "v1/chat/completions", "headers": {}, "query": {"model": "@cf/meta/x", "messages": []}},
                 {"provider": "perplexity", "endpoint": "chat/completions", "headers": {}, "query": {"model": "sonar", "messages": []}},
                 {"provider": "custom-vllm", "endpoint": "chat/completions", "headers": {}, "query": {"model": "llama", "messages": []}}]
                """;
        Decision d = GATEWAY.decide(GatewayRequest.of("POST", "/v1/acct123/default", Headers.of("content-type", "application/json"),
                steps.getBytes(StandardCharsets.UTF_8))).join();
        assertThat(d).isInstanceOf(Decision.Forward.class);
        var exchange = ((Decision.Forward) d).exchange();
        assertThat(exchange.plan().targets()).extracting(t -> exchange.upstreamRequest(t).uri().toString()).containsExactly(
                "https://api.cloudflare.com/client/v4/accounts/acct123/ai/run/@cf/meta/llama-3-8b-instruct",
                "https://api.cloudflare.com/client/v4/accounts/acct123/ai/v1/chat/completions",
                "https://api.perplexity.ai/chat/completions",
                "http://10.1.2.3:8000/v1/chat/completions");
    }
}
