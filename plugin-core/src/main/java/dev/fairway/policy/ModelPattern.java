package dev.fairway.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.fairway.config.Doc;
import java.util.Locale;

/**
 * A model name or a glob over model names ({@code gpt-4o*}, {@code claude-?-*}), prepared once when
 * the configuration is read. {@code *} matches any run of characters, {@code ?} exactly one.
 *
 * <p>Matching ignores case: providers treat some model names case-insensitively, and a deny rule
 * must not be side-stepped by writing {@code GPT-4o}. The matcher is a linear two-pointer walk
 * rather than a regular expression, so no pattern can make a request slow.
 */
@Doc("A string: a model name, or a glob where * matches any characters and ? one character.")
public final class ModelPattern {
    private final String source;
    private final String lower;
    private final boolean literal;

    private ModelPattern(String source) {
        this.source = source;
        this.lower = source.toLowerCase(Locale.ROOT);
        this.literal = source.indexOf('*') < 0 && source.indexOf('?') < 0;
    }

    /** @throws IllegalArgumentException for an empty pattern */
    @JsonCreator
    public static ModelPattern of(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("empty model pattern (expected: a model name or a glob such as gpt-4o*)");
        }
        if (pattern.length() > 256) {
            throw new IllegalArgumentException(String.format("model pattern of %d characters (expected: at most 256)", pattern.length()));
        }
        return new ModelPattern(pattern);
    }

    public boolean matches(String model) {
        requireNonNull(model, "model");
        String m = model.toLowerCase(Locale.ROOT);
        return literal ? lower.equals(m) : glob(lower, m);
    }

    /** Greedy glob match with backtracking to the last star only: O(pattern x text) at worst. */
    private static boolean glob(String p, String s) {
        int pi = 0;
        int si = 0;
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    @JsonValue
    @Override
    public String toString() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelPattern other && other.lower.equals(lower);
    }

    @Override
    public int hashCode() {
        return lower.hashCode();
    }
}
