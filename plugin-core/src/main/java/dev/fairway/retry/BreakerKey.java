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
 * A pool member ({@code routes[].pools}) has a circuit of its own even when it shares its origin
 * with the other members (several keys of one deployment): one failing key must not close the others.
 *
 * @param configuredModel the model the route's configuration names for this target, or null
 * @param member the pool member's name, or null for a target that is no pool member
 */
public record BreakerKey(String route, String provider, String origin, String configuredModel, String member) {
    public BreakerKey {
        requireNonNull(route, "route");
        requireNonNull(provider, "provider");
        requireNonNull(origin, "origin");
    }

    public BreakerKey(String route, String provider, String origin, String configuredModel) {
        this(route, provider, origin, configuredModel, null);
    }

    /** The same key for pool member {@code name}. */
    public BreakerKey forMember(String name) {
        return new BreakerKey(route, provider, origin, configuredModel, requireNonNull(name, "name"));
    }

    /** The key of a target at {@code uri}; {@code configuredModel} is null unless the operator named the model. */
    public static BreakerKey of(String route, String provider, URI uri, String configuredModel) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return new BreakerKey(route, provider, uri.getScheme() + "://" + uri.getHost() + ":" + port, configuredModel);
    }
}
