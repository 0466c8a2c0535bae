package dev.fairway.envoy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.Problems;
import dev.fairway.config.RouteConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ext_proc process config: the core's {@link GatewayConfig} (whose {@code routes} are what
 * Envoy routes name) plus an {@code envoy:} section read into {@link EnvoySettings}. One file, so
 * an operator keeps a route's gateway settings and its Envoy forwarding side by side.
 */
public record ExtProcConfig(GatewayConfig gateway, EnvoySettings envoy) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    // gRPC metadata keys and HTTP field names Envoy accepts: lower-case tokens.
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    public ExtProcConfig {
        requireNonNull(gateway, "gateway");
        requireNonNull(envoy, "envoy");
    }

    public static ExtProcConfig defaults() {
        return new ExtProcConfig(ConfigLoader.defaults(), EnvoySettings.defaults());
    }

    public static ExtProcConfig load(Path file, ConfigLoader loader) {
        requireNonNull(file, "file");
        try {
            return parse(Files.readString(file), loader);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    public static ExtProcConfig parse(String yamlOrJson, ConfigLoader loader) {
        requireNonNull(loader, "loader");
        JsonNode root;
        try {
            root = YAML.readTree(yamlOrJson == null || yamlOrJson.isBlank() ? "{}" : yamlOrJson);
        } catch (JsonProcessingException e) {
            throw new ConfigException("not valid YAML or JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException("(top level): expected object");
        }
        ObjectNode core = ((ObjectNode) root).deepCopy();
        JsonNode envoyNode = core.remove("envoy");
        GatewayConfig gateway;
        try {
            gateway = loader.parse(YAML.writeValueAsString(core));
        } catch (JsonProcessingException e) {
            throw new ConfigException("not valid YAML or JSON: " + e.getOriginalMessage());
        }
        Problems problems = new Problems();
        EnvoySettings envoy = readEnvoy(envoyNode, problems.at("envoy"), routeNames(gateway));
        problems.throwIfAny();
        return new ExtProcConfig(gateway, envoy);
    }

    /** The route of this name, or null. */
    RouteConfig route(String name) {
        for (RouteConfig r : gateway.routes()) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    List<String> routeNames() {
        return routeNames(gateway);
    }

    private static List<String> routeNames(GatewayConfig gateway) {
        List<String> names = new ArrayList<>();
        gateway.routes().forEach(r -> names.add(r.name()));
        return names;
    }

    private static EnvoySettings readEnvoy(JsonNode node, Problems problems, List<String> routeNames) {
        EnvoySettings d = EnvoySettings.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            problems.add("", "expected object");
            return d;
        }
        Fields f = new Fields(node, problems, Set.of("route_metadata", "upstream_header", "dispatcher_upstream",
                "decision_timeout_ms", "on_timeout", "routes", "default_route"));
        String routeMetadata = f.headerName("route_metadata", d.routeMetadata());
        String upstreamHeader = f.headerName("upstream_header", d.upstreamHeader());
        String dispatcherUpstream = f.text("dispatcher_upstream", d.dispatcherUpstream());
        int timeout = f.integer("decision_timeout_ms", d.decisionTimeoutMs());
        problems.require(timeout > 0 && timeout <= 3_600_000, "decision_timeout_ms", "%s (expected: 1..3600000)", timeout);
        String policyText = f.text("on_timeout", "reject");
        TimeoutPolicy policy = TimeoutPolicy.parse(policyText);
        if (policy == null) {
            problems.add("on_timeout", "%s (expected: reject or continue)", policyText);
            policy = TimeoutPolicy.REJECT;
        }
        Map<String, EnvoyRoute> routes = new LinkedHashMap<>();
        JsonNode routesNode = node.get("routes");
        if (routesNode != null && !routesNode.isNull()) {
            if (!routesNode.isObject()) {
                problems.add("routes", "expected object (route name -> settings)");
            } else {
                routesNode.properties().forEach(e -> {
                    Problems at = problems.atKey("routes", e.getKey());
                    if (!routeNames.contains(e.getKey())) {
                        at.add("", "no route of this name in routes (known: %s)", String.join(", ", routeNames));
                    }
                    routes.put(e.getKey(), readRoute(e.getValue(), at));
                });
            }
        }
        String defaultRoute = f.text("default_route", null);
        if (defaultRoute != null && !routeNames.contains(defaultRoute)) {
            problems.add("default_route", "%s is no route in routes (known: %s)", defaultRoute, String.join(", ", routeNames));
        }
        return new EnvoySettings(routeMetadata, upstreamHeader, dispatcherUpstream, timeout, policy, routes, defaultRoute);
    }

    private static EnvoyRoute readRoute(JsonNode node, Problems problems) {
        if (node == null || node.isNull()) {
            return EnvoyRoute.DEFAULT;
        }
        if (!node.isObject()) {
            problems.add("", "expected object");
            return EnvoyRoute.DEFAULT;
        }
        Fields f = new Fields(node, problems, Set.of("mode", "upstreams"));
        String modeText = f.text("mode", "dispatcher");
        ForwardMode mode = ForwardMode.parse(modeText);
        if (mode == null) {
            problems.add("mode", "%s (expected: dispatcher or direct)", modeText);
            mode = ForwardMode.DISPATCHER;
        }
        Map<String, String> upstreams = new LinkedHashMap<>();
        JsonNode u = node.get("upstreams");
        if (u != null && !u.isNull()) {
            if (!u.isObject()) {
                problems.add("upstreams", "expected object (provider slug -> routing header value)");
            } else {
                u.properties().forEach(e -> {
                    if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) {
                        upstreams.put(e.getKey(), e.getValue().asText());
                    } else {
                        problems.atKey("upstreams", e.getKey()).add("", "expected a non-empty string");
                    }
                });
            }
        }
        return new EnvoyRoute(mode, upstreams);
    }

    /** Typed reads of one object's fields, reporting unknown and mistyped ones. */
    private record Fields(JsonNode node, Problems problems, Set<String> known) {
        Fields {
            Set<String> unknown = new HashSet<>();
            node.fieldNames().forEachRemaining(n -> {
                if (!known.contains(n)) {
                    unknown.add(n);
                }
            });
            for (String n : unknown) {
                problems.add(n, "unknown field (known: %s)", String.join(", ", known.stream().sorted().toList()));
            }
        }

        String text(String field, String fallback) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                problems.add(field, "expected a non-empty string");
                return fallback;
            }
            return v.asText();
        }

        String headerName(String field, String fallback) {
            String v = text(field, fallback);
            if (!HEADER_NAME.matcher(v).matches()) {
                problems.add(field, "%s (expected: a lower-case header name such as %s)", v, fallback);
                return fallback;
            }
            return v;
        }

        int integer(String field, int fallback) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                problems.add(field, "expected whole number");
                return fallback;
            }
            return v.asInt();
        }
    }
}
