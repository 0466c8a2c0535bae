package dev.fairway.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fairway.config.Problems;

/**
 * A flow as configured: Cloudflare's JSON as an object, or as JSON text (Kong's schema has no
 * free-form object, so a Kong route holds its flows as strings).
 */
final class FlowJson {
    private static final JsonMapper JSON = new JsonMapper();

    private FlowJson() {}

    /** The flow's tree, or null with the problem added when {@code json} is text that is not JSON. */
    static JsonNode tree(JsonNode json, Problems problems) {
        if (json == null || !json.isTextual()) {
            return json;
        }
        try {
            return JSON.readTree(json.textValue());
        } catch (java.io.IOException e) {
            problems.add("", "not JSON (expected: Cloudflare's route JSON, {\"elements\": [...]}, as an object or as JSON text)");
            return null;
        }
    }
}
