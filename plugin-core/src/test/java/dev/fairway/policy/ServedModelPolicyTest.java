package dev.fairway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.provider.ProviderRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Policy (and with it quotas, pricing and logs) sees the model the upstream path really serves. */
class ServedModelPolicyTest {
    private static final String YAML = """
            providers:
              google-ai-studio: {api_key: gateway-key}
            routes:
              - name: guarded
                prefix: /
                policy: {denied_models: [secret-deployment, gemini-2.5-pro, secret-model]}
              - name: falls-back
                prefix: /fb
                fallback: {targets: [{provider: google-ai-studio}]}
            """;

    private final GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse(YAML);
    private final Gateway gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of());

    private Decision post(String path, String body) {
        return gateway.decide(GatewayRequest.of("POST", path, Headers.of("content-type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8))).join();
    }

    private static Decision.Answer answer(Decision d, int status) {
        assertThat(d).isInstanceOf(Decision.Answer.class);
        Decision.Answer a = (Decision.Answer) d;
        assertThat(a.status()).as(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        return a;
    }

    private static String text(Decision.Answer a) {
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    private static Exchange forwarded(Decision d) {
        assertThat(d).isInstanceOf(Decision.Forward.class);
        return ((Decision.Forward) d).exchange();
    }

    @Test
    void azureIsJudgedByTheDeploymentInThePathNotTheBodysModel() {
        assertThat(text(answer(post("/azure-openai/r/secret-deployment/chat/completions", "{\"model\":\"gpt-4o-mini\"}"), 403)))
                .contains("\"rule\":\"denied_models\"", "secret-deployment");
        Exchange ok = forwarded(post("/azure-openai/r/public-deployment/chat/completions", "{\"model\":\"secret-deployment\"}"));
        assertThat(ok.model()).isEqualTo("public-deployment");
    }

    @Test
    void googleVertexAndBedrockAreJudgedByThePathModel() {
        answer(post("/google-ai-studio/v1beta/models/gemini-2.5-pro:generateContent", "{\"model\":\"gemini-2.0-flash\"}"), 403);
        answer(post("/google-vertex-ai/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent",
                "{\"model\":\"gemini-2.0-flash\"}"), 403);
        answer(post("/aws-bedrock/bedrock-runtime/us-east-1/model/secret-model/invoke", "{\"model\":\"allowed\"}"), 403);
        assertThat(forwarded(post("/google-ai-studio/v1beta/models/gemini-2.0-flash:generateContent", "{\"model\":\"gemini-2.5-pro\"}"))
                .model()).isEqualTo("gemini-2.0-flash");
    }

    @Test
    void aUniversalStepIsJudgedByItsPathModel() {
        Decision.Answer a = answer(post("/", """
                [{"provider": "azure-openai", "endpoint": "r/secret-deployment/chat/completions", "query": {"model": "gpt-4o-mini"}}]"""), 403);
        assertThat(text(a)).contains("secret-deployment");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "google-ai-studio/gemini-2.0-flash/../gemini-2.5-pro",
            "google-ai-studio/../../../../x?",
            "google-ai-studio/gemini-2.0-flash#x",
            "google-ai-studio/gemini-2.0-flash%2F..%2Fgemini-2.5-pro",
            "google-ai-studio/gemini\\u0000x",
            "google-ai-studio/a/b"})
    void compatModelsThatWouldLeaveTheirPathSegmentAreRefusedNamingTheField(String model) {
        Decision.Answer a = answer(post("/compat/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400);
        assertThat(text(a)).contains("\"field\":\"model\"", "one path segment");
    }

    @Test
    void aPlainCompatGoogleModelStillGoesThroughAndIsTheOneServed() {
        Exchange ex = forwarded(post("/compat/chat/completions",
                "{\"model\":\"google-ai-studio/gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        assertThat(ex.model()).isEqualTo("gemini-2.0-flash");
        assertThat(ex.target().uri().getPath()).endsWith("/models/gemini-2.0-flash:generateContent");
    }

    @Test
    void aClientModelIsNeverWrittenIntoAFallbacksPathUnlessItIsOneSafeSegment() {
        Exchange ex = forwarded(post("/fb/openai/v1/chat/completions",
                "{\"model\":\"gemini-2.0-flash/../gemini-2.5-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        assertThat(ex.plan().targets()).hasSize(1);
        assertThat(ex.plan().skipped()).anyMatch(s -> s.contains("not a single path segment"));

        Exchange fine = forwarded(post("/fb/openai/v1/chat/completions",
                "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        assertThat(fine.plan().targets()).hasSize(2);
        assertThat(fine.plan().targets().get(1).target().uri().getPath()).endsWith("/models/gemini-2.0-flash:generateContent");
    }
}
