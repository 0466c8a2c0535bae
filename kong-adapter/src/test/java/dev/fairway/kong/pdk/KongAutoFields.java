package dev.fairway.kong.pdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Kong does to a plugin's configuration when a data plane reads the plugin entity
 * ({@code kong/db/schema/init.lua} {@code process_auto_fields}, select context, references
 * resolved): every {@code referenceable} string field holding a vault reference
 * ({@code {vault://...}}) gets the resolved value, or {@code ""} when the vault has none
 * ({@code resolve_reference}), and the record holding it gets a {@code "$refs"} object naming the
 * reference by field; arrays and maps of referenceable strings are done element by element
 * ({@code $refs.<field>.<index or key>}); records nested in records, arrays and maps carry their
 * own {@code $refs} ({@code adjust_field_for_context} recurses first).
 */
final class KongAutoFields {
    private KongAutoFields() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> resolveReferences(Map<String, Object> recordField, Map<String, Object> data, Map<String, String> vault) {
        Map<String, Object> out = new LinkedHashMap<>(data);
        Map<String, Object> refs = null;
        for (Object entry : (List<Object>) recordField.get("fields")) {
            Map.Entry<String, Object> f = ((Map<String, Object>) entry).entrySet().iterator().next();
            String key = f.getKey();
            Map<String, Object> def = (Map<String, Object>) f.getValue();
            Object value = out.get(key);
            String type = (String) def.get("type");
            if (type.equals("record") && value instanceof Map<?, ?> m) {
                value = resolveReferences(def, (Map<String, Object>) m, vault);
            } else if ((type.equals("array") || type.equals("set")) && value instanceof List<?> l) {
                Map<String, Object> elements = (Map<String, Object>) def.get("elements");
                List<Object> resolved = new ArrayList<>(l);
                for (int i = 0; i < resolved.size(); i++) {
                    Object v = resolved.get(i);
                    if (elements.get("type").equals("record") && v instanceof Map<?, ?> m) {
                        resolved.set(i, resolveReferences(elements, (Map<String, Object>) m, vault));
                    } else if (referenceable(elements) && isReference(v)) {
                        refs = subReference(refs, key, String.valueOf(i + 1), (String) v);
                        resolved.set(i, resolve(vault, (String) v));
                    }
                }
                value = resolved;
            } else if (type.equals("map") && value instanceof Map<?, ?> m) {
                Map<String, Object> values = (Map<String, Object>) def.get("values");
                Map<String, Object> resolved = new LinkedHashMap<>((Map<String, Object>) m);
                for (Map.Entry<String, Object> e : resolved.entrySet()) {
                    Object v = e.getValue();
                    if (values.get("type").equals("record") && v instanceof Map<?, ?> vm) {
                        e.setValue(resolveReferences(values, (Map<String, Object>) vm, vault));
                    } else if (referenceable(values) && isReference(v)) {
                        refs = subReference(refs, key, e.getKey(), (String) v);
                        e.setValue(resolve(vault, (String) v));
                    }
                }
                value = resolved;
            } else if (referenceable(def) && isReference(value)) {
                if (refs == null) {
                    refs = new LinkedHashMap<>();
                }
                refs.put(key, value);
                value = resolve(vault, (String) value);
            }
            if (out.containsKey(key)) {
                out.put(key, value);
            }
        }
        if (refs != null) {
            out.put("$refs", refs);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> subReference(Map<String, Object> refs, String key, String index, String reference) {
        Map<String, Object> r = refs == null ? new LinkedHashMap<>() : refs;
        ((Map<String, Object>) r.computeIfAbsent(key, k -> new LinkedHashMap<>())).put(index, reference);
        return r;
    }

    private static boolean referenceable(Map<String, Object> def) {
        return "string".equals(def.get("type")) && Boolean.TRUE.equals(def.get("referenceable"));
    }

    /** kong/pdk/vault.lua is_reference: "{vault://...}". */
    private static boolean isReference(Object v) {
        return v instanceof String s && s.startsWith("{vault://") && s.endsWith("}");
    }

    private static String resolve(Map<String, String> vault, String reference) {
        return vault.getOrDefault(reference, "");
    }
}
