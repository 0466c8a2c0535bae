package dev.fairway.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuardPatternTest {
    @ParameterizedTest
    @ValueSource(strings = {"(a+)+", "(\\w*x)*", "(a|b+){2,}", "((ab)*c)+", "(?:x[0-9]+)*y"})
    void nestedQuantifiersAreRefused(String regex) {
        assertThatThrownBy(() -> GuardPattern.of(regex))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested quantifiers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"(.)\\1", "(?<x>a)\\k<x>"})
    void backReferencesAreRefused(String regex) {
        assertThatThrownBy(() -> GuardPattern.of(regex)).hasMessageContaining("back-references");
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?i)project\\s+falcon", "[(+]+", "(ab)+", "\\(a+\\)+", "\\Q(a+)+\\E", "(a+)?", "[a-z]{3}-[0-9]{4}", "(?:foo|bar)+baz", "[\\]a]+x"})
    void linearPatternsAreAccepted(String regex) {
        assertThat(GuardPattern.of(regex).toString()).isEqualTo(regex);
    }

    @Test
    void syntaxErrorsAndOversizedPatternsAreRefusedWithAReason() {
        assertThatThrownBy(() -> GuardPattern.of("(abc")).hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> GuardPattern.of("a".repeat(513))).hasMessageContaining("513 characters (expected: at most 512)");
        assertThatThrownBy(() -> GuardPattern.of("")).hasMessageContaining("empty pattern");
    }

    @Test
    void findsWhatItDescribes() {
        GuardPattern p = GuardPattern.of("(?i)project\\s+falcon");
        assertThat(p.find("about Project  FALCON status")).isTrue();
        assertThat(p.find("about project eagle")).isFalse();
    }

    @Test
    void backtrackingThatEscapesTheStaticCheckIsCutOffByTheBudget() {
        // Consecutive wildcards pass the static check but backtrack polynomially (n^4 here) on a miss.
        GuardPattern p = GuardPattern.of(".*a.*a.*a.*c");
        assertThatThrownBy(() -> p.find("a".repeat(200))).isInstanceOf(BudgetedText.Exhausted.class);
    }

    @Test
    void linearPatternOnALargeTextStaysWithinBudget() {
        String text = "lorem ipsum dolor sit amet ".repeat(40_000) + "codename falcon";
        assertThat(GuardPattern.of("codename\\s+(falcon|eagle)").find(text)).isTrue();
        assertThat(GuardPattern.of("[0-9]{4}-[0-9]{4}").find(text)).isFalse();
    }
}
