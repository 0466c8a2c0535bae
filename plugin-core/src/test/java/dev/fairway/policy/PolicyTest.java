package dev.fairway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private final ProviderRegistry registry = ProviderRegistry.withCustom(ConfigLoader.withEnv(Map.of()).parse("""
            custom_providers:
              - {slug: swiss-vllm, base_url: "http://10.0.0.5:8000/v1", regions: [ch]}
              - {slug: lab-ollama, base_url: "http://10.0.0.6:11434/v1"}
              - {slug: eu-ch, base_url: "http://10.0.0.7/v1", regions: [EU, ch]}
            """).customProviders());

    private static Policy policy(String yaml) {
        return Policy.of(ConfigLoader.withEnv(Map.of()).parseRoute(yaml).policy());
    }

    private PolicyDecision check(Policy policy, String provider, String model) {
        Provider p = registry.require(provider);
        return policy.check(p, model);
    }

    @Test
    void emptyPolicyAllowsEverything() {
        Policy p = policy("{}");
        assertThat(p.isUnrestricted()).isTrue();
        assertThat(check(p, "deepseek", "deepseek-chat").isAllowed()).isTrue();
        assertThat(check(p, "lab-ollama", null).isAllowed()).isTrue();
    }

    @Test
    void allowedProviders() {
        Policy p = policy("policy: {allowed_providers: [mistral, swiss-vllm]}");
        assertThat(check(p, "mistral", "mistral-large-latest").isAllowed()).isTrue();
        assertThat(check(p, "swiss-vllm", "qwen").isAllowed()).isTrue();
        PolicyDecision d = check(p, "openai", "gpt-4o");
        assertThat(d.isAllowed()).isFalse();
        assertThat(d.rule()).isEqualTo("allowed_providers");
        assertThat(d.message()).contains("openai");
    }

    @Test
    void deniedProvidersWinOverAllowed() {
        Policy p = policy("policy: {allowed_providers: [openai, mistral], denied_providers: [openai]}");
        assertThat(check(p, "openai", "gpt-4o").rule()).isEqualTo("denied_providers");
        assertThat(check(p, "mistral", "x").isAllowed()).isTrue();
    }

    @Test
    void deniedModelsByNameAndGlob() {
        Policy p = policy("policy: {denied_models: [gpt-4o*, o1]}");
        assertThat(check(p, "openai", "gpt-4o-mini").rule()).isEqualTo("denied_models");
        assertThat(check(p, "openai", "GPT-4o").rule()).isEqualTo("denied_models");
        assertThat(check(p, "openai", "o1").rule()).isEqualTo("denied_models");
        assertThat(check(p, "openai", "o1-mini").isAllowed()).isTrue();
        assertThat(check(p, "openai", "gpt-4.1").isAllowed()).isTrue();
        assertThat(check(p, "openai", null).isAllowed()).isTrue();
    }

    @Test
    void allowedModelsRefuseOthersAndRequestsWithoutModel() {
        Policy p = policy("policy: {allowed_models: [mistral-*, gpt-4o-mini], denied_models: [mistral-large*]}");
        assertThat(check(p, "mistral", "mistral-small-latest").isAllowed()).isTrue();
        assertThat(check(p, "openai", "gpt-4o-mini").isAllowed()).isTrue();
        assertThat(check(p, "openai", "gpt-4o").rule()).isEqualTo("allowed_models");
        assertThat(check(p, "mistral", "mistral-large-2411").rule()).isEqualTo("denied_models");
        PolicyDecision none = check(p, "openai", null);
        assertThat(none.rule()).isEqualTo("allowed_models");
        assertThat(none.message()).contains("names no model");
    }

    @Test
    void regionsRequireEveryTagOfTheProviderToBeAllowed() {
        Policy p = policy("policy: {allowed_regions: [eu, ch]}");
        assertThat(check(p, "mistral", "m").isAllowed()).isTrue();      // [eu]
        assertThat(check(p, "swiss-vllm", "m").isAllowed()).isTrue();   // [ch]
        assertThat(check(p, "eu-ch", "m").isAllowed()).isTrue();        // [EU, ch]: tags compare case-insensitively
        PolicyDecision openai = check(p, "openai", "gpt-4o");           // [us, global]
        assertThat(openai.rule()).isEqualTo("allowed_regions");
        assertThat(openai.message()).contains("us, global").contains("[ch, eu]");
        assertThat(check(p, "lab-ollama", "m").message()).contains("declares no region");
        assertThat(check(policy("policy: {allowed_regions: [ch]}"), "eu-ch", "m").rule()).isEqualTo("allowed_regions");
    }

    @Test
    void refusalBecomesA403NamingTheRule() {
        PolicyDecision d = check(policy("policy: {denied_providers: [deepseek]}"), "deepseek", "deepseek-chat");
        var error = d.toError();
        assertThat(error.status()).isEqualTo(403);
        assertThat(new String(error.toJson(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"type\":\"forbidden\"", "\"rule\":\"denied_providers\"");
    }

    @Test
    void oneDecisionPerTargetForCallersThatChooseAmongSeveral() {
        // A fallback chain asks the same policy about each target, in order, and skips refused ones.
        Policy p = policy("policy: {allowed_regions: [eu]}");
        var chain = java.util.List.of("openai", "mistral");
        var firstAllowed = chain.stream().filter(slug -> check(p, slug, "any").isAllowed()).findFirst();
        assertThat(firstAllowed).contains("mistral");
    }
}
