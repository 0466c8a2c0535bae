package dev.fairway.kong.schema;

import dev.fairway.config.Secret;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code @Doc} default, written as in YAML ({@code 120000}, {@code bearer}, {@code [ch, eu]},
 * {@code []}), into a value of the field's Kong type. A default that does not fit the type is left
 * out rather than guessed: Kong refuses to load a schema whose default has the wrong type.
 */
final class Defaults {
    private Defaults() {}

    static Object coerce(String written, Type type) {
        if (written == null || written.isEmpty()) {
            return null;
        }
        String s = written.strip();
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            if (Collection.class.isAssignableFrom(raw)) {
                return list(s, p.getActualTypeArguments()[0]);
            }
            if (Map.class.isAssignableFrom(raw)) {
                return s.equals("{}") ? Map.of() : null;
            }
            return null;
        }
        if (!(type instanceof Class<?> c)) {
            return null;
        }
        return scalar(s, c);
    }

    private static Object scalar(String s, Class<?> c) {
        try {
            if (c == String.class || c == Secret.class) {
                return unquote(s);
            }
            if (c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class || c == short.class) {
                return Long.parseLong(s.replace("_", ""));
            }
            if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
                return Double.parseDouble(s);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (c == Boolean.class || c == boolean.class) {
            return s.equals("true") ? Boolean.TRUE : s.equals("false") ? Boolean.FALSE : null;
        }
        if (c.isEnum()) {
            String v = unquote(s);
            return KongSchema.enumValues(c).contains(v) ? v : null;
        }
        return null;
    }

    private static List<Object> list(String s, Type element) {
        if (!s.startsWith("[") || !s.endsWith("]")) {
            return null;
        }
        String inner = s.substring(1, s.length() - 1).strip();
        List<Object> out = new ArrayList<>();
        if (inner.isEmpty()) {
            return out;
        }
        if (!(element instanceof Class<?> c) || c.isRecord() || inner.contains("{") || inner.contains("[")) {
            return null;
        }
        for (String part : inner.split(",")) {
            Object v = scalar(part.strip(), c);
            if (v == null) {
                return null;
            }
            out.add(v);
        }
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
