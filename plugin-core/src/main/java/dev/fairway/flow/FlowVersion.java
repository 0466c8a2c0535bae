package dev.fairway.flow;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One version of a named flow.
 *
 * @param origin {@code config} (read from the configuration file) or {@code admin} (PUT /flows/{name})
 */
public record FlowVersion(String name, int version, FlowGraph graph, String origin, Instant created) {
    public FlowVersion {
        requireNonNull(name, "name");
        requireNonNull(graph, "graph");
        requireNonNull(origin, "origin");
        requireNonNull(created, "created");
    }
}
