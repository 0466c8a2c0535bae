package dev.fairway.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.config.Problems;
import java.util.Iterator;
import java.util.Set;

/** An element's outputs, each {@code {"elementId": "..."}}. */
final class Outputs {
    private final JsonNode json;
    private final Problems problems;
    boolean failed;

    Outputs(JsonNode json, Problems problems) {
        this.json = json.isObject() ? json : null;
        this.problems = problems;
    }

    String required(String name) {
        return requiredAs(name, null);
    }

    String requiredAs(String name, String why) {
        JsonNode o = json == null ? null : json.get(name);
        if (o == null || o.isNull()) {
            problems.add(name, "missing%s", why == null ? "" : " (" + why + ")");
            failed = true;
            return null;
        }
        String t = target(o, problems.at(name));
        failed |= t == null;
        return t;
    }

    String optional(String name) {
        JsonNode o = json == null ? null : json.get(name);
        if (o == null || o.isNull()) {
            return null;
        }
        String t = target(o, problems.at(name));
        failed |= t == null;
        return t;
    }

    void noOthers(Set<String> allowed) {
        if (json == null) {
            return;
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                problems.add(name, "unknown output (expected: %s)", allowed.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(allowed)));
                failed = true;
            }
        }
    }

    static String target(JsonNode o, Problems at) {
        JsonNode id = o.get("elementId");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
            at.add("elementId", "%s (expected: the id of another element)", id == null ? "missing" : id);
            return null;
        }
        return id.textValue();
    }
}
