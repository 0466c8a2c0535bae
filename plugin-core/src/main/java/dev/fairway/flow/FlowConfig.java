package dev.fairway.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.config.Problems;
import java.util.Map;

/** The configuration checks of a {@code flows} map (process-wide or a route's): names and the graphs' structure. */
public final class FlowConfig {
    private FlowConfig() {}

    public static void check(Map<String, JsonNode> flows, Problems problems) {
        flows.forEach((name, json) -> {
            if (!FlowRegistry.validName(name)) {
                problems.at("flows").add(name, "not a flow name (expected: 1 to 64 letters, digits, - or _)");
            } else if (json == null || json.isNull()) {
                problems.at("flows").add(name, "missing (expected: {\"elements\": [...]})");
            } else {
                FlowRegistry.check(json, problems.atKey("flows", name));
            }
        });
    }
}
