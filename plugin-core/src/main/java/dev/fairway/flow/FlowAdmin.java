package dev.fairway.flow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API of routing flows, on the admin listener: {@code PUT /flows/{name}} creates and
 * activates a new version from Cloudflare's route JSON, {@code GET /flows/{name}} shows the active
 * version and the kept ones, {@code POST /flows/{name}/rollback} activates the version before the
 * active one (or {@code {"version": n}}). Bad input is a 4xx naming the element and field.
 */
public final class FlowAdmin {
    /** Largest flow accepted: 200 elements fit many times over. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final JsonMapper JSON = new JsonMapper();

    private final FlowRegistry registry;

    public FlowAdmin(FlowRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    /** The admin answer: a status and a JSON body. */
    public record Answer(int status, byte[] body) {}

    /** Whether {@code path} is one of this API's. */
    public static boolean serves(String path) {
        return path.equals("/flows") || path.startsWith("/flows/");
    }

    public Answer handle(String method, String path, byte[] body) {
        try {
            return route(method, path, body);
        } catch (GatewayError e) {
            return new Answer(e.status(), e.toJson());
        }
    }

    private Answer route(String method, String path, byte[] body) {
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length == 2 && !parts[1].isEmpty()) {
            String name = parts[1];
            return switch (method) {
                case "GET", "HEAD" -> ok(200, view(registry.history(name)));
                case "PUT" -> {
                    FlowVersion v = registry.put(name, parse(body, true));
                    yield ok(201, summary(v, true));
                }
                default -> throw notAllowed(method, path, "GET, PUT");
            };
        }
        if (parts.length == 3 && parts[2].equals("rollback")) {
            if (!method.equals("POST")) {
                throw notAllowed(method, path, "POST");
            }
            JsonNode json = body.length == 0 ? null : parse(body, false);
            JsonNode version = json == null ? null : json.get("version");
            if (version != null && !version.canConvertToInt()) {
                throw GatewayError.invalidField("version", "version: " + version + " (expected: a version number of this flow)");
            }
            FlowVersion v = registry.rollback(parts[1], version == null ? null : version.intValue());
            return ok(200, summary(v, true));
        }
        throw GatewayError.of(ErrorType.NOT_FOUND, "%s (expected: /flows/{name} or /flows/{name}/rollback)", path.length() > 80 ? path.substring(0, 80) : path);
    }

    private static JsonNode parse(byte[] body, boolean required) {
        if (body.length == 0 && required) {
            throw GatewayError.invalidField("body", "body: empty (expected: Cloudflare's route JSON, {\"elements\": [...]})");
        }
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw GatewayError.invalidField("body", "body: not JSON (" + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : "unreadable") + ")");
        }
    }

    private static Map<String, Object> view(FlowRegistry.FlowHistoryView h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", h.name());
        out.put("active_version", h.active());
        List<Map<String, Object>> versions = new ArrayList<>();
        FlowVersion active = null;
        for (FlowVersion v : h.versions()) {
            versions.add(summary(v, v.version() == h.active()));
            active = v.version() == h.active() ? v : active;
        }
        out.put("versions", versions);
        out.put("flow", active == null ? null : active.graph().source());
        return out;
    }

    private static Map<String, Object> summary(FlowVersion v, boolean active) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", v.name());
        out.put("version", v.version());
        out.put("origin", v.origin());
        out.put("created_at", v.created().toString());
        out.put("active", active);
        return out;
    }

    private static GatewayError notAllowed(String method, String path, String allowed) {
        return GatewayError.of(ErrorType.METHOD_NOT_ALLOWED, "%s %s (expected: %s)", method, path, allowed);
    }

    private static Answer ok(int status, Map<String, Object> body) {
        try {
            return new Answer(status, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers and JSON trees always serialise", e);
        }
    }
}
