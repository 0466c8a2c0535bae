package dev.fairway.kong.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fairway.config.Doc;
import dev.fairway.config.Required;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * One component of a config record as it appears in JSON: snake_case name, type (annotated, with
 * the model's constraints on it and on its type arguments), documentation.
 */
record ConfigField(String name, Type type, AnnotatedType annotatedType, Doc doc, boolean required) {
    static List<ConfigField> of(Class<?> record) {
        if (!record.isRecord()) {
            throw new IllegalArgumentException(record.getName() + ": not a record");
        }
        List<ConfigField> fields = new ArrayList<>();
        for (RecordComponent c : record.getRecordComponents()) {
            JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
            String name = p != null && !p.value().isEmpty() ? p.value() : snakeCase(c.getName());
            Doc doc = c.getAnnotation(Doc.class);
            if (doc == null) {
                throw new IllegalArgumentException(record.getSimpleName() + "." + c.getName() + ": missing @Doc");
            }
            fields.add(new ConfigField(name, c.getGenericType(), c.getAnnotatedType(), doc,
                    (p != null && p.required()) || c.getAnnotatedType().isAnnotationPresent(Required.class)));
        }
        return fields;
    }

    /**
     * The JSON name of a component, as the core's loader (Jackson's SNAKE_CASE) spells it: an
     * underscore before each run of capitals, all lower case ({@code requestTimeoutMs} ->
     * {@code request_timeout_ms}). Done here so that {@code -dump} does not load Jackson's databind.
     */
    static String snakeCase(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        boolean previousUpper = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (!previousUpper && !sb.isEmpty() && sb.charAt(sb.length() - 1) != '_') {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
                previousUpper = true;
            } else {
                sb.append(c);
                previousUpper = false;
            }
        }
        return sb.toString();
    }
}
