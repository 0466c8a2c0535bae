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
 * Finds the route and provider for a request path, in any of three URL shapes:
 * {@code /<route-prefix>/<provider>/...}; Cloudflare's {@code /v1/{account_id}/{gateway_id}/<provider>/...};
 * and Cloudflare's REST API {@code /client/v4/accounts/{account_id}/ai/...}, where the
 * {@code cf-aig-gateway-id} header names the gateway ({@code default} when absent, as on Cloudflare).
 *
 * <p>A gateway id picks its route in one place, {@link #byGateway}: when some route pins a
 * {@code gateway_id}, only pinned ids are served and any other is a 404 naming it; when none does,
 * every gateway id reaches the default route (the one at prefix {@code /}, the only one, or the host's), as
 * every gateway name reaches an account's gateways on Cloudflare. Built once; matching is string
 * scanning, no regular expressions.
 */
public final class RouteTable {
    private static final String CLOUDFLARE = "/v1/";
    private static final String REST = "/client/v4/accounts/";

    private final List<RouteConfig> byPrefixLength;
    private final Map<String, RouteConfig> pinned = new HashMap<>();
    private final RouteConfig anyGateway;

    /** The standalone gateway's table: every configured route; the default one is at prefix {@code /}, or the only one. */
    public RouteTable(List<RouteConfig> routes) {
        this(routes, routes.stream().filter(r -> r.prefix().equals("/")).findFirst().orElse(routes.size() == 1 ? routes.get(0) : null));
    }

    private RouteTable(List<RouteConfig> routes, RouteConfig defaultRoute) {
        requireNonNull(routes, "routes");
        byPrefixLength = new ArrayList<>(routes);
        byPrefixLength.sort(Comparator.comparingInt((RouteConfig r) -> r.prefix().length()).reversed());
        for (RouteConfig r : routes) {
            if (r.gatewayId() != null) {
                // Duplicates are refused at load (GatewayConfig); a host's single route cannot have any.
                pinned.putIfAbsent(r.gatewayId(), r);
            }
        }
        anyGateway = pinned.isEmpty() ? defaultRoute : null;
    }

    /** A host's table: the host already chose {@code route}, so it is the default route whatever its prefix. */
    public static RouteTable forHostRoute(RouteConfig route) {
        return new RouteTable(List.of(route), route);
    }

    /** Matches a raw request target ({@code /path?query}) outside the REST API shape. */
    public RouteMatch match(String rawTarget) {
        return match(rawTarget, null);
    }

    /**
     * Matches a raw request target ({@code /path?query}).
     *
     * @param gatewayHeader the {@code cf-aig-gateway-id} header, or null; only the REST API shape reads it
     */
    public RouteMatch match(String rawTarget, String gatewayHeader) {
        int q = rawTarget.indexOf('?');
        String path = q < 0 ? rawTarget : rawTarget.substring(0, q);
        String query = q < 0 ? null : rawTarget.substring(q + 1);
        RouteConfig root = null;
        for (RouteConfig route : byPrefixLength) {
            if (route.prefix().equals("/")) {
                root = route;
                continue;
            }
            String rest = below(route.prefix(), path);
            if (rest != null) {
                return split(route, rest, query, null);
            }
        }
        if (path.startsWith(CLOUDFLARE)) {
            return matchCloudflare(path, query);
        }
        if (path.startsWith(REST)) {
            return matchRest(path, query, gatewayHeader);
        }
        if (root != null) {
            return split(root, path, query, null);
        }
        throw GatewayError.of(ErrorType.NOT_FOUND, "no route serves %s", shorten(path)).with("path", shorten(path));
    }

    /** {@code /v1/{account}/{gateway}[/<provider>/...]}. */
    private RouteMatch matchCloudflare(String path, String query) {
        int accountEnd = path.indexOf('/', CLOUDFLARE.length());
        if (accountEnd < 0) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "expected /v1/{account_id}/{gateway_id}/<provider>/...")
                    .with("path", shorten(path));
        }
        String account = segment("account_id", path.substring(CLOUDFLARE.length(), accountEnd));
        int gatewayEnd = path.indexOf('/', accountEnd + 1);
        String gatewayId = segment("gateway_id", path.substring(accountEnd + 1, gatewayEnd < 0 ? path.length() : gatewayEnd));
        String rest = gatewayEnd < 0 ? "" : path.substring(gatewayEnd + 1);
        return split(byGateway(gatewayId), rest, query, account);
    }

    /** {@code /client/v4/accounts/{account}/ai/<rest>}; the gateway comes from the header. */
    private RouteMatch matchRest(String path, String query, String gatewayHeader) {
        int accountEnd = path.indexOf('/', REST.length());
        if (accountEnd < 0 || !path.startsWith("/ai/", accountEnd) || path.length() == accountEnd + 4) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "expected /client/v4/accounts/{account_id}/ai/v1/... or /ai/run/{model}")
                    .with("path", shorten(path));
        }
        String account = segment("account_id", path.substring(REST.length(), accountEnd));
        String gatewayId = gatewayHeader == null ? "default" : gatewayHeader.strip();
        if (!validSegment(gatewayId)) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "cf-aig-gateway-id: %s (expected: 1 to 64 letters, digits, - and _)",
                    shorten(gatewayId)).with("header", "cf-aig-gateway-id");
        }
        return new RouteMatch(byGateway(gatewayId), null, path.substring(accountEnd + 4), query, account, true);
    }

    /** The one rule that turns a gateway id into a route. */
    private RouteConfig byGateway(String gatewayId) {
        RouteConfig route = anyGateway != null ? anyGateway : pinned.get(gatewayId);
        if (route == null) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "unknown gateway: %s (no route serves this gateway id)", gatewayId)
                    .with("gateway_id", gatewayId);
        }
        return route;
    }

    /**
     * Account and gateway ids are held to one small charset, like every other path segment that reaches
     * an upstream URL: the account id becomes part of Workers AI's path.
     */
    private static String segment(String field, String value) {
        if (!validSegment(value)) {
            throw GatewayError.invalidField(field, String.format("%s: %s (expected: 1 to 64 letters, digits, - and _)",
                    field, shorten(value)));
        }
        return value;
    }

    private static boolean validSegment(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
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
