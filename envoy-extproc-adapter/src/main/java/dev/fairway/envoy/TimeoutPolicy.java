package dev.fairway.envoy;

/** What the service answers when the core has not decided before the decision deadline. */
public enum TimeoutPolicy {
    /** Answer 503 with a JSON error: nothing reaches a provider without the gateway's checks. */
    REJECT,
    /** Let Envoy continue on the route's own upstream, without the gateway (fail open). */
    CONTINUE;

    static TimeoutPolicy parse(String text) {
        for (TimeoutPolicy p : values()) {
            if (p.name().equalsIgnoreCase(text)) {
                return p;
            }
        }
        return null;
    }
}
