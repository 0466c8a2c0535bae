package dev.fairway.apisix.protocol;

import java.util.List;

/**
 * An {@code RPC_PREPARE_CONF} request: the conf entries of one plugin instance, and the key APISIX
 * caches the answer under (route, conf version and phase; older APISIX versions leave it out).
 */
public record PrepareConf(String key, List<TextEntry> conf) {
    public PrepareConf {
        conf = List.copyOf(conf);
    }

    /** The value of the first entry named {@code name}, or null. */
    public String value(String name) {
        for (TextEntry e : conf) {
            if (e.name().equals(name)) {
                return e.value() == null ? "" : e.value();
            }
        }
        return null;
    }
}
