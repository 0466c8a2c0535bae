package dev.fairway.policy;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;

/**
 * The outcome of {@link Policy#check}: allowed, or refused by one named rule. Callers that choose
 * among several targets (fallback chains) skip refused ones and log {@link #rule()}.
 */
public final class PolicyDecision {
    private static final PolicyDecision ALLOWED = new PolicyDecision(null, null);

    private final String rule;
    private final String message;

    private PolicyDecision(String rule, String message) {
        this.rule = rule;
        this.message = message;
    }

    public static PolicyDecision allowed() {
        return ALLOWED;
    }

    static PolicyDecision refused(String rule, String message) {
        return new PolicyDecision(requireNonNull(rule, "rule"), requireNonNull(message, "message"));
    }

    public boolean isAllowed() {
        return rule == null;
    }

    /** The config field that refused ({@code denied_models}, {@code allowed_regions}, ...), or null when allowed. */
    public String rule() {
        return rule;
    }

    /** Why, for the client; names the provider, model and rule, nothing else. Null when allowed. */
    public String message() {
        return message;
    }

    /** The 403 a client gets for this refusal. */
    public GatewayError toError() {
        if (isAllowed()) {
            throw new IllegalStateException("an allowed decision is not an error");
        }
        return GatewayError.of(ErrorType.FORBIDDEN, message).with("rule", rule);
    }

    @Override
    public String toString() {
        return isAllowed() ? "PolicyDecision[allowed]" : "PolicyDecision[refused by " + rule + ": " + message + "]";
    }
}
