package dev.fairway.kong.schema;

import dev.fairway.config.Between;
import dev.fairway.config.GreaterThan;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.NotContaining;
import dev.fairway.config.OneOf;
import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config model's constraint annotations as Kong's field validators
 * ({@code kong/db/schema/init.lua} {@code Schema.validators}), so that Kong refuses at
 * configuration time what the core would refuse when Kong starts the instance.
 */
final class KongConstraints {
    private KongConstraints() {}

    static void add(AnnotatedElement type, Map<String, Object> field) {
        Between b = type.getAnnotation(Between.class);
        if (b != null) {
            if (b.max() == Long.MAX_VALUE) {
                field.put("gt", b.min() - 1);
            } else {
                field.put("between", List.of(b.min(), b.max()));
            }
        }
        GreaterThan g = type.getAnnotation(GreaterThan.class);
        if (g != null) {
            field.put("gt", g.value());
        }
        OneOf o = type.getAnnotation(OneOf.class);
        if (o != null) {
            field.put("one_of", List.of(o.value()));
        }
        Length l = type.getAnnotation(Length.class);
        if (l != null) {
            if (l.min() > 0) {
                field.put("len_min", l.min());
            }
            if (l.max() < Integer.MAX_VALUE) {
                field.put("len_max", l.max());
            }
        }
        NotContaining nc = type.getAnnotation(NotContaining.class);
        if (nc != null) {
            field.put("match_none", Arrays.stream(nc.value())
                    .map(s -> entry("pattern", LuaPattern.literal(s), "err", "must not contain '" + s + "' (expected: " + nc.expected() + ")"))
                    .toList());
        }
        Match m = type.getAnnotation(Match.class);
        if (m != null) {
            List<String> patterns = LuaPattern.alternatives(m.value());
            if (patterns.size() == 1) {
                field.put("match", patterns.get(0));
            } else {
                field.put("match_any", entry("patterns", patterns, "err", "expected: " + m.expected()));
            }
        }
    }

    private static Map<String, Object> entry(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
