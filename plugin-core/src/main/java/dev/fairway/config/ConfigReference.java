package dev.fairway.config;

import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes docs/configuration.md from the one config model: every field of {@link GatewayConfig},
 * its path, type, default, constraints and description, read from the records' {@link Doc} and
 * constraint annotations, the same source the hosts' schemas are generated from. A test keeps the
 * committed file equal to what this writes.
 */
public final class ConfigReference {
    private ConfigReference() {}

    /** The whole reference page, Markdown. */
    public static String markdown() {
        StringBuilder out = new StringBuilder("""
                # Configuration reference

                Generated from the configuration model (`plugin-core/src/main/java/dev/fairway/config` and the
                records it references); do not edit by hand. Regenerate with
                `FAIRWAY_WRITE_DOCS=1 ./mvnw -q -pl plugin-core -am verify -Dtest=ConfigReferenceTest -Dsurefire.failIfNoSpecifiedTests=false`.

                One file configures a process (`bin/fairway serve --config`, and each host adapter's `--config`). The
                per-route settings under `routes[]` are also what Kong's plugin configuration, APISIX's `fairway`
                conf and Envoy's route settings hold: the same fields, validated the same way. Secrets may be
                written as a literal, `${env:NAME}` or `${file:/path}`. Every field is optional unless marked
                `required`.

                """);
        for (RecordComponent c : GatewayConfig.class.getRecordComponents()) {
            String name = Constraints.jsonName(c);
            out.append("## `").append(name).append("`\n\n").append(oneLine(c.getAnnotation(Doc.class).value())).append("\n\n");
            out.append("| field | type | default | allowed | description |\n|---|---|---|---|---|\n");
            field(out, name, c.getAnnotatedType(), c.getAnnotation(Doc.class));
            out.append('\n');
        }
        return out.toString();
    }

    /** One row, then a row per field below it when the field is a record, a list of records or a map of records. */
    private static void field(StringBuilder out, String path, AnnotatedType type, Doc doc) {
        Type t = type.getType();
        Class<?> raw = raw(t);
        AnnotatedType[] args = type instanceof AnnotatedParameterizedType p ? p.getAnnotatedActualTypeArguments() : new AnnotatedType[0];
        List<String> allowed = new ArrayList<>(Constraints.describe(type));
        String typeName;
        AnnotatedType nested = null;
        String nestedPath = null;
        if (List.class.isAssignableFrom(raw) && args.length == 1) {
            Class<?> element = raw(args[0].getType());
            typeName = "list of " + typeName(element);
            Constraints.describe(args[0]).forEach(a -> allowed.add("each: " + a));
            enumValues(element).ifPresent(v -> allowed.add("each: " + v));
            if (isConfigRecord(element)) {
                nested = args[0];
                nestedPath = path + "[]";
            }
        } else if (Map.class.isAssignableFrom(raw) && args.length == 2) {
            Class<?> value = raw(args[1].getType());
            typeName = "map of " + typeName(value);
            Constraints.describe(args[1]).forEach(a -> allowed.add("each value: " + a));
            if (isConfigRecord(value)) {
                nested = args[1];
                nestedPath = path + ".<key>";
            }
        } else {
            typeName = typeName(raw);
            enumValues(raw).ifPresent(allowed::add);
            if (isConfigRecord(raw)) {
                nested = type;
                nestedPath = path;
            }
        }
        out.append("| `").append(path).append("` | ").append(typeName).append(" | ")
                .append(doc.defaultValue().isEmpty() ? "" : "`" + cell(doc.defaultValue()) + "`").append(" | ")
                .append(cell(String.join("; ", allowed))).append(" | ").append(cell(doc.value())).append(" |\n");
        if (nested != null) {
            for (RecordComponent c : raw(nested.getType()).getRecordComponents()) {
                field(out, nestedPath + "." + Constraints.jsonName(c), c.getAnnotatedType(), c.getAnnotation(Doc.class));
            }
        }
    }

    private static java.util.Optional<String> enumValues(Class<?> c) {
        if (!c.isEnum()) {
            return java.util.Optional.empty();
        }
        // Enums are written as their toString (each config enum's @JsonValue).
        return java.util.Optional.of("one of " + String.join(", ", Arrays.stream(c.getEnumConstants()).map(Object::toString).toList()));
    }

    private static String typeName(Class<?> c) {
        if (c == String.class || c.isEnum()) {
            return "string";
        }
        if (c == Secret.class) {
            return "secret";
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return "integer";
        }
        if (c == Double.class || c == double.class || c == Float.class) {
            return "number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "boolean";
        }
        if (isConfigRecord(c) || com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(c)) {
            return "object";
        }
        return "string"; // value types read from a string (patterns, durations)
    }

    private static boolean isConfigRecord(Class<?> c) {
        RecordComponent[] components = c.getRecordComponents();
        return components != null && components.length > 0 && components[0].isAnnotationPresent(Doc.class);
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').strip();
    }

    private static String cell(String s) {
        return oneLine(s).replace("|", "\\|");
    }
}
