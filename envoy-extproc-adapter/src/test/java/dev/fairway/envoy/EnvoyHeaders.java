package dev.fairway.envoy;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A header map as Envoy's ext_proc filter mutates it, following
 * envoyproxy/envoy source/extensions/filters/http/ext_proc/mutation_utils.cc (applyHeaderMutations):
 * every remove_headers entry first, then each set_headers entry in order; an entry whose deprecated
 * {@code append} wrapper is true adds a value (addCopy), any other replaces them all (setCopy).
 * {@code append_action} is not read there, so it is not read here. Mutation rules are taken as
 * allow_all_routing: true (the documented config), so pseudo-headers may be set too.
 */
final class EnvoyHeaders {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    static EnvoyHeaders of(HeaderMap map) {
        EnvoyHeaders h = new EnvoyHeaders();
        for (HeaderValue v : map.getHeadersList()) {
            h.values.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(value(v));
        }
        return h;
    }

    static EnvoyHeaders empty() {
        return new EnvoyHeaders();
    }

    EnvoyHeaders apply(HeaderMutation m) {
        for (String name : m.getRemoveHeadersList()) {
            values.remove(name.toLowerCase(Locale.ROOT));
        }
        for (HeaderValueOption o : m.getSetHeadersList()) {
            if (!o.hasHeader()) {
                continue;
            }
            String name = o.getHeader().getKey().toLowerCase(Locale.ROOT);
            // send_header_raw_value (on by default): the value travels in raw_value.
            String value = o.getHeader().getRawValue().toString(StandardCharsets.ISO_8859_1);
            boolean append = o.hasAppend() && o.getAppend().getValue();
            if (append) {
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                values.put(name, new ArrayList<>(List.of(value)));
            }
        }
        return this;
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    String first(String name) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    boolean contains(String name) {
        return values.containsKey(name);
    }

    Map<String, List<String>> asMap() {
        return values;
    }

    private static String value(HeaderValue v) {
        return v.getRawValue().isEmpty() ? v.getValue() : v.getRawValue().toString(StandardCharsets.ISO_8859_1);
    }
}
