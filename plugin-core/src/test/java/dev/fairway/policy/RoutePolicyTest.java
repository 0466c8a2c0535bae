package dev.fairway.policy;

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

class RoutePolicyTest {
    private static final String YAML = """
            custom_providers:
              - {slug: swiss-vllm, base_url: "http://10.0.0.5:8000/v1", regions: [ch]}
            routes:
              - name: residency
                prefix: /ch
                policy: {allowed_regions: [ch, eu], denied_models: ["*-preview"]}
              - name: open
                prefix: /open
            """;

    private final GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse(YAML);
    private final Gateway gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of());

    private Decision post(String path, String model) {
        byte[] body = ("{\"model\":\"" + model + "\",\"messages\":[]}").getBytes(StandardCharsets.UTF_8);
        return gateway.decide(GatewayRequest.of("POST", path, Headers.of("content-type", "application/json"), body)).join();
    }

    private static String refusal(Decision d) {
        assertThat(d).isInstanceOf(Decision.Answer.class);
        Decision.Answer a = (Decision.Answer) d;
        assertThat(a.status()).isEqualTo(403);
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    @Test
    void allowedTargetsAreForwarded() {
        assertThat(post("/ch/mistral/v1/chat/completions", "mistral-small-latest")).isInstanceOf(Decision.Forward.class);
        assertThat(post("/ch/swiss-vllm/v1/chat/completions", "qwen2.5")).isInstanceOf(Decision.Forward.class);
        assertThat(post("/open/openai/v1/chat/completions", "gpt-4o")).isInstanceOf(Decision.Forward.class);
    }

    @Test
    void refusedTargetsAreAnswered403NamingTheRule() {
        assertThat(refusal(post("/ch/openai/v1/chat/completions", "gpt-4o")))
                .contains("\"type\":\"forbidden\"", "\"rule\":\"allowed_regions\"", "openai");
        assertThat(refusal(post("/ch/mistral/v1/chat/completions", "mistral-medium-preview")))
                .contains("\"rule\":\"denied_models\"");
    }

    @Test
    void modelNamedInThePathIsChecked() {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse("routes: [{policy: {denied_models: [gemini-1.5*]}}]");
        Gateway g = new Gateway(c, ProviderRegistry.builtIn(), List.of());
        Decision d = g.decide(GatewayRequest.of("POST", "/google-ai-studio/v1beta/models/gemini-1.5-pro:generateContent",
                Headers.of("content-type", "application/json"), "{\"contents\":[]}".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(refusal(d)).contains("\"rule\":\"denied_models\"");
    }

    @Test
    void unrestrictedRouteOpensNoStep() {
        Decision d = post("/open/openai/v1/chat/completions", "gpt-4o");
        assertThat(((Decision.Forward) d).exchange().steps()).isEmpty();
    }

    @Test
    void misspeltProviderIsAStartupErrorNotASilentNoOp() {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse("routes: [{policy: {denied_providers: [opneai]}}]");
        assertThatThrownBy(() -> new Gateway(c, ProviderRegistry.builtIn(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].policy.denied_providers[0]: opneai (expected: a known provider slug)");
    }

    @Test
    void hostConfiguredRoutesCanBeCheckedAgainstTheRegistry() {
        var route = ConfigLoader.withEnv(Map.of()).parseRoute("policy: {allowed_providers: [openai, swiss-vllm, nope]}");
        var problems = new dev.fairway.config.Problems();
        PolicyCheck.checkProviders(route, ProviderRegistry.withCustom(config.customProviders()), problems);
        assertThat(problems.messages()).containsExactly("policy.allowed_providers[2]: nope (expected: a known provider slug)");
    }

    @Test
    void malformedRulesAreConfigErrorsNamingTheField() {
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("policy: {allowed_regions: [EU West]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("policy.allowed_regions[0]: EU West (expected:");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("policy: {denied_models: [\"\"]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("policy.denied_models[0]").hasMessageContaining("empty model pattern");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute("policy: {allowed_providers: openai}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("policy.allowed_providers");
    }
}
