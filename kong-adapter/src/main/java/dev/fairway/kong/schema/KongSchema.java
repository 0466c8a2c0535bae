package dev.fairway.kong.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fairway.config.Secret;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kong's schema DSL, generated from a config record: every component becomes a field with its
 * type, {@code description} and {@code default} taken from {@code @Doc}, so Kong validates plugin
 * configurations with the same model the core reads them into. Secrets are {@code referenceable}
 * (Kong resolves {@code {vault://...}} before we see them) and {@code encrypted} (at rest, where Kong
 * has a keyring).
 */
public final class KongSchema {
    private KongSchema() {}

    /** {@code {"name": name, "fields": [{"config": {"type": "record", ...}}]}}. */
    public static Map<String, Object> plugin(String name, Class<? extends Record> config) {
        Map<String, Object> configField = record(config, config.getSimpleName());
        Map<String, Object> withRequired = new LinkedHashMap<>();
        withRequired.put("type", "record");
        withRequired.put("required", true);
        withRequired.putAll(configField);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("name", name);
        schema.put("fields", List.of(Map.of("config", withRequired)));
        return schema;
    }

    private static Map<String, Object> record(Class<?> type, String path) {
        List<Map<String, Object>> fields = new ArrayList<>();
        for (ConfigField f : ConfigField.of(type)) {
            Map<String, Object> def = field(f.type(), path + "." + f.name());
            Map<String, Object> full = new LinkedHashMap<>();
            full.put("type", def.remove("type"));
            if (f.required()) {
                full.put("required", true);
            }
            Object dflt = Defaults.coerce(f.doc().defaultValue(), f.type());
            if (dflt != null) {
                full.put("default", dflt);
            }
            full.put("description", f.doc().value());
            full.putAll(def);
            fields.add(Map.of(f.name(), full));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "record");
        m.put("fields", fields);
        return m;
    }

    /** The type part of a field: type plus one_of / elements / keys / values / fields. */
    static Map<String, Object> field(Type type, String path) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Map.class.isAssignableFrom(raw)) {
                if (args[0] != String.class) {
                    throw unsupported(path, type);
                }
                m.put("type", "map");
                m.put("keys", Map.of("type", "string"));
                m.put("values", withoutDefault(field(args[1], path + ".<value>")));
                return m;
            }
            if (Collection.class.isAssignableFrom(raw)) {
                m.put("type", Set.class.isAssignableFrom(raw) ? "set" : "array");
                m.put("elements", withoutDefault(field(args[0], path + "[]")));
                return m;
            }
            throw unsupported(path, type);
        }
        if (!(type instanceof Class<?> c)) {
            throw unsupported(path, type);
        }
        if (c == String.class) {
            m.put("type", "string");
        } else if (c == Secret.class) {
            m.put("type", "string");
            m.put("referenceable", true);
            m.put("encrypted", true);
        } else if (c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class || c == short.class) {
            m.put("type", "integer");
        } else if (c == Double.class || c == double.class || c == Float.class || c == float.class || c == BigDecimal.class) {
            m.put("type", "number");
        } else if (c == Boolean.class || c == boolean.class) {
            m.put("type", "boolean");
        } else if (c.isEnum()) {
            m.put("type", "string");
            m.put("one_of", enumValues(c));
        } else if (c.isRecord()) {
            m.putAll(record(c, path));
        } else {
            throw unsupported(path, type);
        }
        return m;
    }

    /** The names Jackson accepts for an enum's constants: {@code @JsonProperty} where given, else the constant's name. */
    static List<String> enumValues(Class<?> type) {
        List<String> values = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            try {
                JsonProperty p = type.getField(name).getAnnotation(JsonProperty.class);
                values.add(p != null && !p.value().isEmpty() ? p.value() : name);
            } catch (NoSuchFieldException e) {
                values.add(name);
            }
        }
        return values;
    }

    private static Map<String, Object> withoutDefault(Map<String, Object> m) {
        m.remove("default");
        return m;
    }

    private static IllegalArgumentException unsupported(String path, Type type) {
        return new IllegalArgumentException(path + ": " + type.getTypeName()
                + " has no Kong schema type (expected: String, Secret, a boxed number or boolean, an enum, a record, "
                + "List/Set of those, or Map<String, ...>)");
    }
}
