package dev.fairway.routing;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RouteConfig;

/**
 * What the URL said: which route, which provider (null for the route root, where the Universal
 * endpoint lives, and for Cloudflare's REST API shape, where the model names the provider) and the
 * path below the provider.
 *
 * @param rest the path after {@code /<provider>/} (for the REST API shape: after {@code /ai/}), without
 *     the leading slash, still percent-encoded
 * @param accountId the account id of Cloudflare's URL shapes, or null for the prefix shape
 * @param restApi whether the request came in Cloudflare's REST API shape {@code /client/v4/accounts/{id}/ai/...}
 */
public record RouteMatch(RouteConfig route, String provider, String rest, String rawQuery, String accountId, boolean restApi) {
    public RouteMatch {
        requireNonNull(route, "route");
        requireNonNull(rest, "rest");
    }

    public RouteMatch(RouteConfig route, String provider, String rest, String rawQuery, String accountId) {
        this(route, provider, rest, rawQuery, accountId, false);
    }

    public boolean isRouteRoot() {
        return provider == null && !restApi;
    }
}
