package dev.fairway.guardrail;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.fairway.config.Doc;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A custom guardrail regular expression, checked by {@link RegexGuard} and compiled once when the
 * configuration is read. Matching is bounded by {@link BudgetedText}.
 */
@Doc("A string: a Java regular expression, at most 512 characters, without nested quantifiers or back-references.")
public final class GuardPattern implements Finder {
    private final String source;
    private final Pattern pattern;

    private GuardPattern(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    /** @throws IllegalArgumentException naming what is wrong with the expression */
    @JsonCreator
    public static GuardPattern of(String regex) {
        if (regex == null || regex.isEmpty()) {
            throw new IllegalArgumentException("empty pattern (expected: a Java regular expression)");
        }
        String why = RegexGuard.problem(regex);
        if (why != null) {
            throw new IllegalArgumentException("pattern refused: " + why);
        }
        try {
            return new GuardPattern(regex, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    /**
     * @throws BudgetedText.Exhausted when the expression reads the text too often to finish in linear time
     */
    @Override
    public boolean find(CharSequence text) {
        return pattern.matcher(BudgetedText.of(text)).find();
    }

    @JsonValue
    @Override
    public String toString() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuardPattern other && other.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }
}
