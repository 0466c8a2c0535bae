package dev.fairway.routing;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RouteConfig;

/**
 * What the URL said: which route, which provider (null for the route root, where the Universal
 * endpoint lives) and the path below the provider.
 *
 * @param rest the path after {@code /<provider>/}, without the leading slash, still percent-encoded
 * @param accountId the account id of Cloudflare's URL shape, or null for the prefix shape
 */
public record RouteMatch(RouteConfig route, String provider, String rest, String rawQuery, String accountId) {
    public RouteMatch {
        requireNonNull(route, "route");
        requireNonNull(rest, "rest");
    }

    public boolean isRouteRoot() {
        return provider == null;
    }
}
