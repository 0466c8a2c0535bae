package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

/**
 * One model a routing flow (flow/) chose for a request: the model element's id, its provider and
 * model, and its timeout and retries. A flow's hops are tried in order, like a fallback chain.
 *
 * @param timeoutMs time allowed for the first byte, or null for the route's
 * @param retries attempts after the first, or null for the route's retry settings
 */
public record ModelHop(String node, String provider, String model, Integer timeoutMs, Integer retries) {
    public ModelHop {
        requireNonNull(node, "node");
        requireNonNull(provider, "provider");
        requireNonNull(model, "model");
    }
}
