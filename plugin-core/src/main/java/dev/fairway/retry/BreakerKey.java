package dev.fairway.retry;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * Which circuit an upstream attempt belongs to: the route, the provider and the origin the
 * connection goes to (scheme, host and port: a region or an Azure resource is part of the host), plus
 * the model only when the route's configuration names it. The model a client writes is left out on
 * purpose: keyed by it, every invented name would make a circuit of its own, and a failing target
 * could be hidden behind a new name per request.
 *
 * @param configuredModel the model the route's configuration names for this target, or null
 */
public record BreakerKey(String route, String provider, String origin, String configuredModel) {
    public BreakerKey {
        requireNonNull(route, "route");
        requireNonNull(provider, "provider");
        requireNonNull(origin, "origin");
    }

    /** The key of a target at {@code uri}; {@code configuredModel} is null unless the operator named the model. */
    public static BreakerKey of(String route, String provider, URI uri, String configuredModel) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return new BreakerKey(route, provider, uri.getScheme() + "://" + uri.getHost() + ":" + port, configuredModel);
    }
}
