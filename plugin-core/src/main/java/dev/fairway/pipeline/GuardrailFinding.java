package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * One guardrail that fired: which rule, where, what it did and how often. Never what it matched:
 * the finding goes to the log record, which must not carry the very text the guardrail protects.
 *
 * @param rule the built-in detector's or custom rule's name ({@code email}, {@code credit_card})
 * @param count the times the rule fired there (a scan stops looking for a rule once it has fired, so 1)
 */
public record GuardrailFinding(String rule, Where where, Action action, int count) {
    public GuardrailFinding {
        requireNonNull(rule, "rule");
        requireNonNull(where, "where");
        requireNonNull(action, "action");
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
    }

    /** Where the rule fired. */
    public enum Where {
        REQUEST, RESPONSE
    }

    /** What the rule did: flagged the exchange, or blocked it. */
    public enum Action {
        FLAG, BLOCK
    }
}
