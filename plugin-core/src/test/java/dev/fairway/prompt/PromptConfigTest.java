package dev.fairway.prompt;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptConfigTest {
    private static void refused(String yaml, String... messages) {
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(messages);
    }

    @Test
    void promptsNeedUniqueNamesVersionsAndWellFormedPlaceholders() {
        refused("""
                prompts:
                  - {name: a, versions: [{messages: [{role: user, content: "{{x"}]}]}
                  - {name: a, versions: []}
                  - {name: "b c", versions: [{messages: [{role: robot, content: "{{ }}"}]}]}
                """, "prompts[0].versions[0].messages[0].content", "never closed", "prompts[1].name: a is declared twice",
                "prompts[1].versions", "prompts[2].name", "prompts[2].versions[0].messages[0].role", "prompts[2].versions[0].messages[0].content");
    }

    @Test
    void experimentArmsSumTo100WithUniqueNames() {
        refused("""
                routes:
                  - name: r
                    experiments:
                      - {name: e, prompt: p, arms: [{name: x, percent: 60, version: 1}, {name: x, percent: 30, version: 2}]}
                      - {name: e, model: m, key: user, arms: [{name: y, percent: 0, model: a}, {name: z, percent: 100.005, model: b}]}
                      - {name: f, prompt: p, model: m, arms: [{name: y, percent: 100}]}
                """, "routes[0].experiments[0].arms: percentages sum to 90.0 (expected: 100)",
                "routes[0].experiments[0].arms[1].name: x is used by another arm",
                "routes[0].experiments[1].name: e is used by another experiment", "routes[0].experiments[1].key",
                "routes[0].experiments[1].arms[0].percent", "routes[0].experiments[1].arms[1].percent",
                "routes[0].experiments[2].prompt: both prompt and model", "routes[0].experiments[2].arms: 1 arms (expected: at least two)");
    }

    @Test
    void poolsNeedPositiveWeightsUniqueMembersAndOnePoolPerProvider() {
        refused("""
                routes:
                  - name: r
                    pools:
                      - provider: openai
                        strategy: fastest
                        members:
                          - {name: a, weight: 0}
                          - {name: a, base_url: "ftp://x", rate_limit: {limit: 5, window: 5y}}
                      - {provider: openai, members: []}
                """, "routes[0].pools[0].strategy", "routes[0].pools[0].members[0].weight", "routes[0].pools[0].members[1].name: a is used by another member",
                "routes[0].pools[0].members[1].base_url", "routes[0].pools[0].members[1].rate_limit.window",
                "routes[0].pools[1].provider: openai has another pool", "routes[0].pools[1].members: empty");
    }
}
