package dev.fairway.flow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A validated flow: its elements by id, the start element, and the JSON it was read from (what
 * {@code GET /flows/{name}} gives back, in Cloudflare's shape).
 */
public record FlowGraph(Map<String, Node> nodes, Node.Start start, JsonNode source) {
    public FlowGraph {
        nodes = Map.copyOf(requireNonNull(nodes, "nodes"));
        requireNonNull(start, "start");
        requireNonNull(source, "source");
    }

    Node node(String id) {
        return nodes.get(id);
    }
}
