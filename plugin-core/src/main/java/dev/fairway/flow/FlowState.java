package dev.fairway.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.config.ConfigException;
import dev.fairway.config.Problems;
import dev.fairway.plan.StateFile;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process-wide flows' histories as stored in their {@link StateFile}: every kept version (the
 * configuration's and the admin API's) with its number, origin, time and Cloudflare JSON, the active
 * version, and the configuration's text the history last saw. Restored before the configuration is
 * loaded at start, so the configuration then applies as on a reload: an unchanged flow keeps the
 * restored active version, a changed one becomes a new active version.
 */
final class FlowState {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FlowState() {}

    static ObjectNode write(Map<String, FlowHistory> flows) {
        ObjectNode all = NODES.objectNode();
        flows.forEach((name, h) -> {
            ObjectNode one = all.putObject(name);
            one.put("active", h.active());
            one.put("config_json", h.configJson());
            ArrayNode versions = one.putArray("versions");
            for (FlowVersion v : h.versions()) {
                versions.addObject().put("version", v.version()).put("origin", v.origin()).put("created", v.created().toString())
                        .set("flow", v.graph().source());
            }
        });
        ObjectNode out = NODES.objectNode();
        out.set("flows", all);
        return out;
    }

    /**
     * The histories {@code file} holds (empty when it has none), each version checked with {@code parser}.
     *
     * @throws ConfigException naming the file, flow and version at fault
     */
    static Map<String, FlowHistory> read(StateFile file, FlowParser parser) {
        ObjectNode root = file.read();
        Map<String, FlowHistory> out = new LinkedHashMap<>();
        if (root == null) {
            return out;
        }
        Problems problems = new Problems();
        JsonNode flows = root.path("flows");
        flows.fields().forEachRemaining(e -> {
            Problems at = problems.atKey("flows", e.getKey());
            FlowHistory h = history(e.getKey(), e.getValue(), parser, at);
            if (h != null) {
                out.put(e.getKey(), h);
            }
        });
        if (!problems.messages().isEmpty()) {
            throw new ConfigException(problems.messages().stream().map(m -> file.path() + ": " + m).toList());
        }
        return out;
    }

    private static FlowHistory history(String name, JsonNode h, FlowParser parser, Problems at) {
        if (!FlowRegistry.validName(name)) {
            at.add("", "not a flow name");
            return null;
        }
        List<FlowVersion> versions = new ArrayList<>();
        JsonNode list = h.path("versions");
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            Problems vat = at.at("versions", i);
            FlowGraph graph = parser.parse(v.path("flow"), vat);
            Instant created;
            try {
                created = Instant.parse(v.path("created").asText());
            } catch (DateTimeParseException e) {
                vat.add("created", "%s (expected: an ISO-8601 instant)", v.path("created").asText());
                continue;
            }
            if (graph != null && v.path("version").canConvertToInt() && v.path("version").intValue() > 0) {
                versions.add(new FlowVersion(name, v.path("version").intValue(), graph, v.path("origin").asText("admin"), created));
            } else if (graph != null) {
                vat.add("version", "%s (expected: a whole number > 0)", v.path("version"));
            }
        }
        int active = h.path("active").asInt(-1);
        if (versions.isEmpty() || versions.stream().noneMatch(v -> v.version() == active)) {
            at.add("active", "%s (expected: one of the versions kept)", h.path("active"));
            return null;
        }
        JsonNode config = h.path("config_json");
        return new FlowHistory(versions, active, config.isTextual() ? config.textValue() : null);
    }
}
