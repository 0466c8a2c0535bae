package dev.fairway.kong.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the configuration JSON Kong hands a plugin instance into the shape the core's config model
 * reads. Kong's version differs in three ways, all undone here:
 * <ul>
 *   <li>it mixes in its own keys ({@code route_id}, {@code service_id}, {@code consumer_id},
 *       {@code plugin_instance_name}, {@code __seq__}, {@code __key__}, {@code __plugin_id}, ...);
 *   <li>it writes every unset field as {@code null}, and expands an unset record into a record of
 *       nulls;
 *   <li>Lua's JSON encoder cannot tell an empty array from an empty object and writes {@code {}};
 *   <li>where it resolved a vault reference ({@code {vault://env/...}}) in a field, the record
 *       holding that field carries a {@code "$refs"} object beside it naming the reference
 *       ({@code kong/db/schema/init.lua} {@code process_auto_fields}); the field holds the resolved
 *       value, which is what the gateway uses. {@code $refs} is dropped unread except to tell a
 *       failed resolution (Kong then leaves an empty string) from an empty value, and never
 *       appears in an error or a log.
 * </ul>
 */
public final class KongConfigNormalizer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KONG_KEYS = Set.of("route_id", "service_id", "consumer_id", "plugin_instance_name");
    private static final String REFS = "$refs";

    private KongConfigNormalizer() {}

    /**
     * The configuration, as JSON the core's loader reads; what is not Kong's stays as it was, so
     * the loader still reports unknown fields and wrong types by their path.
     *
     * @throws IllegalArgumentException when {@code kongJson} is not a JSON object
     */
    public static String normalize(String kongJson, Class<? extends Record> type) {
        JsonNode root;
        try {
            root = JSON.readTree(kongJson == null || kongJson.isBlank() ? "{}" : kongJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode top)) {
            throw new IllegalArgumentException("expected a JSON object, got " + root.getNodeType().name().toLowerCase());
        }
        top.properties().removeIf(e -> KONG_KEYS.contains(e.getKey()) || e.getKey().startsWith("__"));
        JsonNode out = normalize(top, type, "");
        return out == null ? "{}" : out.toString();
    }

    /** The node as the model reads it, or null for "absent". */
    private static JsonNode normalize(JsonNode node, Type type, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                if (node instanceof ObjectNode o && o.isEmpty()) {
                    return JsonNodeFactory.instance.arrayNode();
                }
                if (node instanceof ArrayNode a) {
                    ArrayNode out = JsonNodeFactory.instance.arrayNode();
                    for (int i = 0; i < a.size(); i++) {
                        out.add(orNull(normalize(a.get(i), args[0], path + "[" + i + "]")));
                    }
                    return out;
                }
                return node;
            }
            if (Map.class.isAssignableFrom(raw)) {
                if (node instanceof ArrayNode a && a.isEmpty()) {
                    return JsonNodeFactory.instance.objectNode();
                }
                if (node instanceof ObjectNode o) {
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    o.properties().forEach(e -> {
                        JsonNode v = normalize(e.getValue(), args[1], join(path, e.getKey()));
                        if (v != null) {
                            out.set(e.getKey(), v);
                        }
                    });
                    return out;
                }
                return node;
            }
            return node;
        }
        if (type instanceof Class<?> c && c.isRecord() && node instanceof ObjectNode o) {
            return record(o, c, path);
        }
        return node;
    }

    private static JsonNode record(ObjectNode o, Class<?> type, String path) {
        List<ConfigField> fields = ConfigField.of(type);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonNode refs = o.path(REFS);
        boolean hadKeys = !o.isEmpty();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(REFS)) {
                continue;
            }
            if (refs.path(e.getKey()).isTextual() && e.getValue().isTextual() && e.getValue().textValue().isEmpty()) {
                throw new IllegalArgumentException(join(path, e.getKey()) + ": Kong could not resolve its vault reference");
            }
            ConfigField f = fields.stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElse(null);
            JsonNode v = f == null ? e.getValue() : normalize(e.getValue(), f.type(), join(path, e.getKey()));
            if (v != null) {
                out.set(e.getKey(), v);
            }
        }
        // A record Kong expanded from nothing (all nulls) was never set.
        return hadKeys && out.isEmpty() ? null : out;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static JsonNode orNull(JsonNode n) {
        return n == null ? JsonNodeFactory.instance.nullNode() : n;
    }
}
