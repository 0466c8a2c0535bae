package dev.fairway.kong.schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kong's validation of a plugin configuration against a schema field, as
 * {@code kong/db/schema/init.lua} does it ({@code validate_field}, {@code Schema.validators} in
 * {@code validators_order}): null passes unless {@code required}; strings get an implicit
 * {@code len_min = 1} and skip validators when they hold a vault reference on a referenceable
 * field; lengths count bytes; records check their subfields, arrays and sets their elements, maps
 * their values. Returns the paths (dotted, {@code [i]} for elements) of the fields it refuses.
 */
final class KongValidator {
    private KongValidator() {}

    static List<String> errors(Map<String, Object> field, Object value) {
        List<String> errors = new ArrayList<>();
        validate(field, value, "", errors);
        return errors;
    }

    @SuppressWarnings("unchecked")
    private static void validate(Map<String, Object> field, Object value, String path, List<String> errors) {
        if (value == null) {
            if (Boolean.TRUE.equals(field.get("required"))) {
                errors.add(path);
            }
            return;
        }
        String type = (String) field.get("type");
        boolean ok = switch (type) {
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Number n && n.doubleValue() == Math.floor(n.doubleValue()) && !Double.isInfinite(n.doubleValue());
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "array", "set" -> value instanceof List<?>;
            case "map", "record" -> value instanceof Map<?, ?>;
            default -> throw new IllegalArgumentException(path + ": type " + type);
        };
        if (!ok) {
            errors.add(path);
            return;
        }
        if (type.equals("string") && Boolean.TRUE.equals(field.get("referenceable")) && isReference((String) value)) {
            return;
        }
        if (!validators(field, value, type)) {
            errors.add(path);
            return;
        }
        switch (type) {
            case "record" -> {
                Map<String, Object> data = (Map<String, Object>) value;
                for (Object f : (List<Object>) field.get("fields")) {
                    Map.Entry<String, Object> e = ((Map<String, Object>) f).entrySet().iterator().next();
                    validate((Map<String, Object>) e.getValue(), data.get(e.getKey()), join(path, e.getKey()), errors);
                }
            }
            case "array", "set" -> {
                List<Object> list = (List<Object>) value;
                for (int i = 0; i < list.size(); i++) {
                    validate((Map<String, Object>) field.get("elements"), list.get(i), path + "[" + i + "]", errors);
                }
            }
            case "map" -> ((Map<String, Object>) value).forEach((k, v) ->
                    validate((Map<String, Object>) field.get("values"), v, join(path, k), errors));
            default -> { }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean validators(Map<String, Object> field, Object value, String type) {
        if (field.get("one_of") instanceof List<?> options && !options.contains(value)) {
            return false;
        }
        if (field.get("gt") instanceof Number gt && !(((Number) value).doubleValue() > gt.doubleValue())) {
            return false;
        }
        if (field.get("between") instanceof List<?> b) {
            double v = ((Number) value).doubleValue();
            if (v < ((Number) b.get(0)).doubleValue() || v > ((Number) b.get(1)).doubleValue()) {
                return false;
            }
        }
        int length = switch (value) {
            case String s -> s.getBytes(StandardCharsets.UTF_8).length;
            case List<?> l -> l.size();
            default -> -1;
        };
        Object lenMin = field.get("len_min");
        if (lenMin == null && type.equals("string")) {
            lenMin = 1;
        }
        if (length >= 0 && lenMin instanceof Number n && length < n.intValue()) {
            return false;
        }
        if (length >= 0 && field.get("len_max") instanceof Number n && length > n.intValue()) {
            return false;
        }
        if (value instanceof String s) {
            if (field.get("match_none") instanceof List<?> none) {
                for (Object m : none) {
                    if (LuaMatcher.matches(s, (String) ((Map<String, Object>) m).get("pattern"))) {
                        return false;
                    }
                }
            }
            if (field.get("match") instanceof String pattern && !LuaMatcher.matches(s, pattern)) {
                return false;
            }
            if (field.get("match_any") instanceof Map<?, ?> any
                    && ((List<String>) any.get("patterns")).stream().noneMatch(pattern -> LuaMatcher.matches(s, pattern))) {
                return false;
            }
        }
        return true;
    }

    /** kong/pdk/vault.lua is_reference. */
    private static boolean isReference(String v) {
        return v.startsWith("{vault://") && v.endsWith("}");
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
