package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.testing.GatewayHarness;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cloudflare's REST API shape (developers.cloudflare.com/ai-gateway/usage/rest-api and the 2026-05-21 changelog
 * "Call any AI model through AI Gateway's new REST API"): POST /client/v4/accounts/{account_id}/ai/v1/chat/completions,
 * /ai/v1/responses, /ai/v1/messages, /ai/run; models named {author}/{model} ("openai/gpt-5.5", "anthropic/...",
 * "@cf/meta/..."); "requests are routed through your account's default gateway ... To route requests through a
 * specific gateway, add the cf-aig-gateway-id header."
 */
class RestApiShapeTest {
    private static final String BASE = "/client/v4/accounts/acct123/ai/";
    private static final GatewayConfig CONFIG = ConfigLoader.withEnv(Map.of()).parse("""
            routes:
              - {name: main, prefix: /, gateway_id: default}
              - {name: team, prefix: /team, gateway_id: team-gw}
            """);
    private static final Gateway GATEWAY = new Gateway(CONFIG, ProviderRegistry.builtIn(), List.of());

    private static Decision post(String path, String model, Headers headers) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"input\":\"hi\",\"max_tokens\":8}";
        headers.set("content-type", "application/json");
        return GATEWAY.decide(GatewayRequest.of("POST", BASE + path, headers, body.getBytes(StandardCharsets.UTF_8))).join();
    }

    private static Decision.Forward forward(Decision d) {
        assertThat(d).as("%s", d instanceof Decision.Answer a ? new String(a.body(), StandardCharsets.UTF_8) : "")
                .isInstanceOf(Decision.Forward.class);
        return (Decision.Forward) d;
    }

    private static String upstream(Decision d) {
        return forward(d).exchange().upstreamRequest().uri().toString();
    }

    private static String sentModel(Decision d) {
        return forward(d).exchange().body().model();
    }

    @Test
    void eachEndpointReachesTheProviderTheAuthorNames() {
        Decision chat = post("v1/chat/completions", "openai/gpt-4.1", new Headers());
        assertThat(upstream(chat)).isEqualTo("https://api.openai.com/v1/chat/completions");
        assertThat(upstream(post("v1/chat/completions", "anthropic/claude-sonnet-4-5", new Headers()))).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(upstream(post("v1/chat/completions", "google/gemini-2.5-flash", new Headers())))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(upstream(post("v1/chat/completions", "@cf/meta/llama-3.1-8b-instruct", new Headers())))
                .isEqualTo("https://api.cloudflare.com/client/v4/accounts/acct123/ai/v1/chat/completions");

        Decision responses = post("v1/responses", "openai/gpt-4.1", new Headers());
        assertThat(upstream(responses)).isEqualTo("https://api.openai.com/v1/responses");
        assertThat(sentModel(responses)).isEqualTo("gpt-4.1");
        Decision cfResponses = post("v1/responses", "@cf/openai/gpt-oss-120b", new Headers());
        assertThat(upstream(cfResponses)).isEqualTo("https://api.cloudflare.com/client/v4/accounts/acct123/ai/v1/responses");
        assertThat(sentModel(cfResponses)).isEqualTo("@cf/openai/gpt-oss-120b");

        Decision messages = post("v1/messages", "anthropic/claude-sonnet-4-5", new Headers());
        assertThat(upstream(messages)).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(sentModel(messages)).isEqualTo("claude-sonnet-4-5");

        assertThat(upstream(post("v1/embeddings", "openai/text-embedding-3-small", new Headers()))).isEqualTo("https://api.openai.com/v1/embeddings");
        assertThat(upstream(post("v1/embeddings", "@cf/baai/bge-large-en-v1.5", new Headers())))
                .isEqualTo("https://api.cloudflare.com/client/v4/accounts/acct123/ai/v1/embeddings");

        assertThat(upstream(post("run/@cf/meta/llama-3.1-8b-instruct", "x", new Headers())))
                .isEqualTo("https://api.cloudflare.com/client/v4/accounts/acct123/ai/run/@cf/meta/llama-3.1-8b-instruct");
    }

    @Test
    void cfAigGatewayIdChoosesTheRouteAndDefaultIsTheDefault() {
        assertThat(forward(post("v1/chat/completions", "openai/gpt-4.1", new Headers())).exchange().match().route().name()).isEqualTo("main");
        assertThat(forward(post("v1/chat/completions", "openai/gpt-4.1", Headers.of("cf-aig-gateway-id", "team-gw")))
                .exchange().match().route().name()).isEqualTo("team");
        Decision unknown = post("v1/chat/completions", "openai/gpt-4.1", Headers.of("cf-aig-gateway-id", "other"));
        assertThat(((Decision.Answer) unknown).status()).isEqualTo(404);
        assertThat(new String(((Decision.Answer) unknown).body(), StandardCharsets.UTF_8)).contains("unknown gateway: other");
    }

    @Test
    void badModelsAndEndpointsAreNamed() {
        Decision noAuthor = post("v1/chat/completions", "gpt-4.1", new Headers());
        assertThat(((Decision.Answer) noAuthor).status()).isEqualTo(400);
        assertThat(new String(((Decision.Answer) noAuthor).body(), StandardCharsets.UTF_8)).contains("{author}/{model}", "\"field\":\"model\"");
        Decision messagesToOpenAi = post("v1/messages", "openai/gpt-4.1", new Headers());
        assertThat(new String(((Decision.Answer) messagesToOpenAi).body(), StandardCharsets.UTF_8)).contains("anthropic-format providers only");
        Decision unknownApi = post("v1/images/generations", "openai/dall-e-3", new Headers());
        assertThat(((Decision.Answer) unknownApi).status()).isEqualTo(404);
    }

    @Test
    void theOpenAiSdkOnCloudflaresRestBaseUrlOnlyChangesTheHost() {
        // Cloudflare's example: new OpenAI({ baseURL: "https://api.cloudflare.com/client/v4/accounts/${ACCOUNT_ID}/ai/v1" }).
        try (GatewayHarness harness = GatewayHarness.start("routes: [{name: main}]", dev.fairway.mock.MockOptions.defaults())) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(harness.baseUrl() + "/client/v4/accounts/acct123/ai/v1")
                    .apiKey("cf-token").build();
            for (String model : List.of("openai/gpt-4.1", "anthropic/claude-sonnet-4-5")) {
                ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model(model).addUserMessage("Hello REST").build());
                assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Echo: Hello REST"));
                var seen = harness.mock().requests().get(harness.mock().requests().size() - 1);
                assertThat(seen.model()).hasValue(model.substring(model.indexOf('/') + 1));
            }
        }
    }
}
