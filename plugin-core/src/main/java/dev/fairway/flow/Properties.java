package dev.fairway.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.config.Problems;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** An element's properties; every key read is remembered so that the rest can be refused. */
final class Properties {
    private final JsonNode json;
    final Problems problems;
    private final Set<String> read = new HashSet<>();
    boolean failed;
    private final int before;

    Properties(JsonNode json, Problems problems) {
        this.json = json.isObject() ? json : null;
        this.problems = problems;
        this.before = problems.messages().size();
    }

    String text(String name, boolean required, String expected) {
        read.add(name);
        JsonNode v = json == null ? null : json.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(name, "missing (expected: %s)", expected);
                failed = true;
            }
            return null;
        }
        if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > 256) {
            problems.add(name, "%s (expected: %s)", FlowParser.shorten(v), expected);
            failed = true;
            return null;
        }
        return v.textValue();
    }

    Double number(String name, boolean required) {
        read.add(name);
        JsonNode v = json == null ? null : json.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(name, "missing (expected: a number)");
                failed = true;
            }
            return null;
        }
        if (!v.isNumber()) {
            problems.add(name, "%s (expected: a number)", FlowParser.shorten(v));
            failed = true;
            return null;
        }
        return v.doubleValue();
    }

    void noOthers() {
        if (json != null) {
            for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!read.contains(name) && !name.equals("condition") && !name.equals("conditions")) {
                    problems.add(name, "unknown property");
                }
            }
        }
        failed |= problems.messages().size() > before;
    }
}
