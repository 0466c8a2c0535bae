package dev.fairway.config;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A configuration value outside its enum's set is reported like every other problem, with the field
 * and the values it may take ({@code logs.fsync: sometimes (expected: always, interval or never)}), and
 * reading goes on with the field left at its default, so one run lists every problem of a file.
 * The read's {@link Problems} travel as a reader attribute keyed by this class.
 */
final class EnumProblems extends DeserializationProblemHandler {

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
        return report(ctxt, targetType, value);
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
        return report(ctxt, targetType, value);
    }

    private static Object report(DeserializationContext ctxt, Class<?> targetType, Object value) {
        if (!targetType.isEnum() || !(ctxt.getAttribute(EnumProblems.class) instanceof Problems problems)) {
            return NOT_HANDLED;
        }
        problems.add(path(ctxt.getParser().getParsingContext()), "%s (expected: %s)", value, allowed(targetType));
        return null;
    }

    /** The values of a config enum as written (each one's {@code toString}, its {@code @JsonValue}): {@code a, b or c}. */
    static String allowed(Class<?> enumType) {
        List<String> names = Arrays.stream(enumType.getEnumConstants()).map(Object::toString).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** {@code routes[0].quotas[1].unit}, as {@link Problems} writes paths. */
    private static String path(JsonStreamContext at) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        String p = String.join("", parts);
        return p.startsWith(".") ? p.substring(1) : p;
    }
}
