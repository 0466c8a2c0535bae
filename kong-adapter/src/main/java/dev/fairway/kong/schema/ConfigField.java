package dev.fairway.kong.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.fairway.config.Doc;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/** One component of a config record as it appears in JSON: snake_case name, type, documentation. */
record ConfigField(String name, Type type, Doc doc, boolean required) {
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    static List<ConfigField> of(Class<?> record) {
        if (!record.isRecord()) {
            throw new IllegalArgumentException(record.getName() + ": not a record");
        }
        List<ConfigField> fields = new ArrayList<>();
        for (RecordComponent c : record.getRecordComponents()) {
            JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
            String name = p != null && !p.value().isEmpty() ? p.value() : SNAKE.translate(c.getName());
            Doc doc = c.getAnnotation(Doc.class);
            if (doc == null) {
                throw new IllegalArgumentException(record.getSimpleName() + "." + c.getName() + ": missing @Doc");
            }
            fields.add(new ConfigField(name, c.getGenericType(), doc, p != null && p.required()));
        }
        return fields;
    }
}
