package dev.fairway.kong.pdk;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Kong learns about a plugin from the query command ({@code -dump}): its name, version,
 * priority (higher runs earlier), the phases it implements and its schema in Kong's schema DSL.
 */
public record PluginInfo(String name, String version, int priority, List<String> phases, Map<String, Object> schema) {
    public PluginInfo {
        requireNonNull(name, "name");
        requireNonNull(version, "version");
        phases = List.copyOf(requireNonNull(phases, "phases"));
        requireNonNull(schema, "schema");
    }

    /** The entry Kong reads, with its capitalised keys. */
    public Map<String, Object> toKong() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", name);
        m.put("Version", version);
        m.put("Priority", priority);
        m.put("Phases", phases);
        m.put("Schema", schema);
        return m;
    }

    /** The whole {@code -dump} document for a server hosting these plugins. */
    public static Map<String, Object> dump(List<PluginInfo> plugins) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Protocol", PluginServer.PROTOCOL);
        m.put("Plugins", plugins.stream().map(PluginInfo::toKong).toList());
        return m;
    }
}
