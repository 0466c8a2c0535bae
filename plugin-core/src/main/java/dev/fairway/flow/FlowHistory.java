package dev.fairway.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * The versions of one process-wide flow, oldest first, at most {@link #MAX_VERSIONS} (the active
 * one is never dropped), and which one serves. Immutable: the registry swaps histories whole.
 *
 * @param configJson the configuration's text of this flow as last loaded, or null when the
 *     configuration does not define it; a reload that leaves it unchanged keeps the active version
 */
record FlowHistory(List<FlowVersion> versions, int active, String configJson) {
    static final int MAX_VERSIONS = 20;

    FlowHistory {
        versions = List.copyOf(versions);
    }

    static FlowHistory first(FlowVersion v, String configJson) {
        return new FlowHistory(List.of(v), v.version(), configJson);
    }

    FlowVersion activeVersion() {
        return version(active);
    }

    FlowVersion version(int n) {
        for (FlowVersion v : versions) {
            if (v.version() == n) {
                return v;
            }
        }
        return null;
    }

    int next() {
        return versions.get(versions.size() - 1).version() + 1;
    }

    /** With {@code v} added and made active; the oldest inactive versions go beyond the bound. */
    FlowHistory with(FlowVersion v, String configJson) {
        List<FlowVersion> all = new ArrayList<>(versions);
        all.add(v);
        while (all.size() > MAX_VERSIONS) {
            all.remove(0);
        }
        return new FlowHistory(all, v.version(), configJson);
    }

    FlowHistory activate(int n) {
        return new FlowHistory(versions, n, configJson);
    }

    boolean hasAdminVersions() {
        return versions.stream().anyMatch(v -> v.origin().equals("admin"));
    }
}
