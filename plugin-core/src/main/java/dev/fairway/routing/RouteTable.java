package dev.fairway.routing;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the route and provider for a request path, in either URL shape:
 * {@code /<route-prefix>/<provider>/...} or Cloudflare's {@code /v1/{account_id}/{gateway_id}/<provider>/...}.
 * Built once; matching is string scanning, no regular expressions.
 */
public final class RouteTable {
    private final List<RouteConfig> byPrefixLength;
    private final Map<String, RouteConfig> byGatewayId = new HashMap<>();

    public RouteTable(List<RouteConfig> routes) {
        requireNonNull(routes, "routes");
        byPrefixLength = new ArrayList<>(routes);
        byPrefixLength.sort(Comparator.comparingInt((RouteConfig r) -> r.prefix().length()).reversed());
        for (RouteConfig r : routes) {
            byGatewayId.putIfAbsent(r.gatewayId(), r);
        }
    }

    /** Matches a raw request target ({@code /path?query}). */
    public RouteMatch match(String rawTarget) {
        int q = rawTarget.indexOf('?');
        String path = q < 0 ? rawTarget : rawTarget.substring(0, q);
        String query = q < 0 ? null : rawTarget.substring(q + 1);
        RouteMatch cf = matchCloudflare(path, query);
        if (cf != null) {
            return cf;
        }
        for (RouteConfig route : byPrefixLength) {
            String rest = below(route.prefix(), path);
            if (rest != null) {
                return split(route, rest, query, null);
            }
        }
        throw GatewayError.of(ErrorType.NOT_FOUND, "no route serves %s", shorten(path)).with("path", shorten(path));
    }

    /** {@code /v1/{account}/{gateway}[/<provider>/...]}, when {@code gateway} names a route. */
    private RouteMatch matchCloudflare(String path, String query) {
        if (!path.startsWith("/v1/")) {
            return null;
        }
        int accountEnd = path.indexOf('/', 4);
        if (accountEnd < 0) {
            return null;
        }
        int gatewayEnd = path.indexOf('/', accountEnd + 1);
        String gatewayId = path.substring(accountEnd + 1, gatewayEnd < 0 ? path.length() : gatewayEnd);
        RouteConfig route = byGatewayId.get(gatewayId);
        if (route == null) {
            return null;
        }
        String account = path.substring(4, accountEnd);
        String rest = gatewayEnd < 0 ? "" : path.substring(gatewayEnd + 1);
        return split(route, rest, query, account);
    }

    private static RouteMatch split(RouteConfig route, String rest, String query, String account) {
        String trimmed = rest.startsWith("/") ? rest.substring(1) : rest;
        if (trimmed.isEmpty()) {
            return new RouteMatch(route, null, "", query, account);
        }
        int slash = trimmed.indexOf('/');
        String provider = slash < 0 ? trimmed : trimmed.substring(0, slash);
        String below = slash < 0 ? "" : trimmed.substring(slash + 1);
        return new RouteMatch(route, provider, below, query, account);
    }

    /** The path below {@code prefix}, or null when the path is not under it. */
    private static String below(String prefix, String path) {
        if (prefix.equals("/")) {
            return path;
        }
        if (!path.startsWith(prefix)) {
            return null;
        }
        if (path.length() == prefix.length()) {
            return "";
        }
        return path.charAt(prefix.length()) == '/' ? path.substring(prefix.length()) : null;
    }

    private static String shorten(String s) {
        return s.length() > 128 ? s.substring(0, 128) + "..." : s;
    }
}
