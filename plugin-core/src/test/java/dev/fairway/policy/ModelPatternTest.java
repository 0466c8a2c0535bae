package dev.fairway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ModelPatternTest {
    @ParameterizedTest
    @CsvSource({
            "gpt-4o*, gpt-4o, true",
            "gpt-4o*, gpt-4o-mini, true",
            "gpt-4o*, gpt-4, false",
            "gpt-4o*, chatgpt-4o, false",
            "*-mini, gpt-4o-mini, true",
            "*-mini, gpt-4o-mini-2024, false",
            "claude-?-haiku*, claude-3-haiku-20240307, true",
            "claude-?-haiku*, claude-35-haiku, false",
            "gpt-4o, gpt-4o, true",
            "gpt-4o, gpt-4o-mini, false",
            "gpt-4o, GPT-4O, true",
            "GPT-4o*, gpt-4o-mini, true",
            "*, anything, true",
            "a*b*c, axxbyyc, true",
            "a*b*c, axxbyy, false",
            "meta-llama/*, meta-llama/llama-3.1-8b, true",
            "@cf/meta/*, @cf/meta/llama-3-8b, true",
    })
    void matches(String pattern, String model, boolean expected) {
        assertThat(ModelPattern.of(pattern).matches(model)).isEqualTo(expected);
    }

    @Test
    void pathologicalPatternStaysLinear() {
        // Exponential for a naive recursive matcher; the two-pointer walk answers at once.
        ModelPattern p = ModelPattern.of("*a*a*a*a*a*a*a*a*a*a*b");
        assertThat(p.matches("a".repeat(200))).isFalse();
    }

    @Test
    void emptyPatternIsRefused() {
        assertThatThrownBy(() -> ModelPattern.of(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty model pattern");
    }
}
