package dev.fairway.envoy;

/** Where Envoy sends a request the core decided to forward. */
public enum ForwardMode {
    /**
     * To Fairway's loopback dispatcher, with a one-time ticket: the dispatcher makes the upstream
     * call, so retries, fallback and every response-side feature work as in the other hosts.
     */
    DISPATCHER,
    /**
     * Straight to the provider's Envoy cluster: the path is rewritten and the gateway's credential
     * injected; the response is observed through ext_proc. No fallback.
     */
    DIRECT;

    static ForwardMode parse(String text) {
        for (ForwardMode m : values()) {
            if (m.name().equalsIgnoreCase(text)) {
                return m;
            }
        }
        return null;
    }
}
