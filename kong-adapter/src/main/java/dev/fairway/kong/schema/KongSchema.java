package dev.fairway.kong.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.fairway.config.Doc;
import dev.fairway.config.Secret;
import java.lang.reflect.Constructor;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
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
 * type and its {@code @Doc} description, so Kong validates plugin configurations with the same
 * model the core reads them into. Secrets are {@code referenceable} (Kong resolves
 * {@code {vault://...}} before we see them) and {@code encrypted} (at rest, where Kong has a keyring).
 *
 * <p>Defaults are stated in the description, not as Kong {@code default}s. Kong writes its
 * defaults into the configuration it hands the plugin, turning "left out" into an explicit value,
 * and some of the core's defaults depend on other fields: {@code auth.enabled} becomes true as soon
 * as clients are listed, so a Kong default of false would leave such a route open. Without Kong
 * defaults, a field left out in Kong means what it means in every other host: the core's default.
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
            Map<String, Object> def = field(f.annotatedType(), path + "." + f.name());
            Map<String, Object> full = new LinkedHashMap<>();
            full.put("type", def.remove("type"));
            if (f.required()) {
                full.put("required", true);
            }
            full.put("description", description(f.doc()));
            full.putAll(def);
            fields.add(Map.of(f.name(), full));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "record");
        m.put("fields", fields);
        return m;
    }

    /** The type part of a field with the model's constraints: type, validators, elements / keys / values / fields. */
    static Map<String, Object> field(AnnotatedType annotated, String path) {
        Map<String, Object> m = typePart(annotated, path);
        KongConstraints.add(annotated, m);
        return m;
    }

    private static Map<String, Object> typePart(AnnotatedType annotated, String path) {
        Type type = annotated.getType();
        Map<String, Object> m = new LinkedHashMap<>();
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            AnnotatedType[] args = ((AnnotatedParameterizedType) annotated).getAnnotatedActualTypeArguments();
            Type[] argTypes = p.getActualTypeArguments();
            if (Map.class.isAssignableFrom(raw)) {
                if (argTypes[0] != String.class) {
                    throw unsupported(path, type);
                }
                m.put("type", "map");
                m.put("keys", Map.of("type", "string"));
                m.put("values", field(args[1], path + ".<value>"));
                return m;
            }
            if (Collection.class.isAssignableFrom(raw)) {
                m.put("type", Set.class.isAssignableFrom(raw) ? "set" : "array");
                m.put("elements", field(args[0], path + "[]"));
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
            List<String> values = enumValues(c);
            if (values != null) {
                m.put("one_of", values);
            }
        } else if (com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(c)) {
            // Free-form JSON (a routing flow's graph) has no Kong schema: Kong holds it as JSON text, which the core reads.
            m.put("type", "string");
        } else if (c.isRecord()) {
            m.putAll(record(c, path));
        } else if (readFromString(c)) {
            m.put("type", "string");
        } else {
            throw unsupported(path, type);
        }
        return m;
    }

    /**
     * The names the loader accepts for an enum's constants, as Jackson reads them: what a
     * {@code @JsonValue} method returns, else a constant's {@code @JsonProperty}, else its name. Null
     * when a {@code @JsonCreator} parses the text itself: the accepted spellings are then unknown, and
     * the core, not Kong, checks the value.
     */
    static List<String> enumValues(Class<?> type) {
        Method jsonValue = null;
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(JsonValue.class) && m.getParameterCount() == 0) {
                jsonValue = m;
            } else if (m.isAnnotationPresent(JsonCreator.class)) {
                return null;
            }
        }
        List<String> values = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            if (jsonValue != null) {
                try {
                    jsonValue.setAccessible(true);
                    values.add(String.valueOf(jsonValue.invoke(constant)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalArgumentException(type.getName() + ": cannot read its @JsonValue (" + e + ")");
                }
                continue;
            }
            try {
                JsonProperty p = type.getField(name).getAnnotation(JsonProperty.class);
                values.add(p != null && !p.value().isEmpty() ? p.value() : name);
            } catch (NoSuchFieldException e) {
                values.add(name);
            }
        }
        return values;
    }

    private static String description(Doc doc) {
        String text = doc.value();
        String dflt = doc.defaultValue();
        if (dflt.isEmpty()) {
            return text;
        }
        return text + (text.endsWith(".") ? " " : ". ") + "Default: " + dflt + ".";
    }

    /** A value class the loader reads from one string through a {@code @JsonCreator} (a token hash, a model pattern). */
    private static boolean readFromString(Class<?> c) {
        for (Method m : c.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class)
                    && m.getParameterCount() == 1 && m.getParameterTypes()[0] == String.class) {
                return true;
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (k.isAnnotationPresent(JsonCreator.class) && k.getParameterCount() == 1 && k.getParameterTypes()[0] == String.class) {
                return true;
            }
        }
        return false;
    }

    private static IllegalArgumentException unsupported(String path, Type type) {
        return new IllegalArgumentException(path + ": " + type.getTypeName()
                + " has no Kong schema type (expected: String, Secret, a boxed number or boolean, an enum, a record, "
                + "a class read from a string by @JsonCreator, List/Set of those, or Map<String, ...>)");
    }
}
