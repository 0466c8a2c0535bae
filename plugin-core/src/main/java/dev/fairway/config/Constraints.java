package dev.fairway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the constraint annotations of the config model ({@link Required}, {@link Between},
 * {@link GreaterThan}, {@link OneOf}, {@link Match}, {@link NotContaining}, {@link Length}) on a
 * loaded configuration, down through nested records, lists and maps, naming each problem's path.
 * The hosts' schemas are generated from the same annotations, so a host refuses what this refuses;
 * rules that span fields or need code stay in each record's {@link Validatable#validate}.
 */
public final class Constraints {
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    private Constraints() {}

    /** Checks {@code config} and everything below it. */
    public static void check(Object config, Problems problems) {
        walk(config, problems);
    }

    /** The name a component has in YAML and JSON. */
    public static String jsonName(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : SNAKE.translate(c.getName());
    }

    /** The whole-match pattern of a {@link Match}: {@code .} takes line breaks too, as in Lua. */
    public static Pattern pattern(Match m) {
        return Pattern.compile(m.value(), Pattern.DOTALL);
    }

    private static void walk(Object value, Problems problems) {
        if (!(value instanceof Record r) || !isConfigRecord(r.getClass())) {
            return;
        }
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(c + ": not readable", e);
            }
            value(jsonName(c), v, c.getAnnotatedType(), problems);
        }
    }

    private static void value(String field, Object v, AnnotatedType type, Problems problems) {
        if (v == null) {
            Required required = type.getAnnotation(Required.class);
            if (required != null) {
                problems.add(field, "%s", required.message());
            }
            return;
        }
        String problem = problem(v, type);
        if (problem != null) {
            problems.add(field, "%s", problem);
            return;
        }
        AnnotatedType[] args = type instanceof AnnotatedParameterizedType p ? p.getAnnotatedActualTypeArguments() : new AnnotatedType[0];
        if (v instanceof List<?> list && args.length == 1) {
            for (int i = 0; i < list.size(); i++) {
                Object e = list.get(i);
                String elementProblem = e == null ? nullElement(args[0]) : problem(e, args[0]);
                if (elementProblem != null) {
                    problems.add(field + "[" + i + "]", "%s", elementProblem);
                } else {
                    walk(e, problems.at(field, i));
                }
            }
        } else if (v instanceof Map<?, ?> map && args.length == 2) {
            map.forEach((k, e) -> {
                String elementProblem = e == null ? null : problem(e, args[1]);
                if (elementProblem != null) {
                    problems.add(field + "." + k, "%s", elementProblem);
                } else {
                    walk(e, problems.at(field).at(String.valueOf(k)));
                }
            });
        } else {
            walk(v, problems.at(field));
        }
    }

    /** A null element of a constrained list: reported as the first constraint's failure. */
    private static String nullElement(AnnotatedElement type) {
        String expected = expected(type);
        return expected == null ? null : "null (expected: " + expected + ")";
    }

    private static String expected(AnnotatedElement type) {
        Between b = type.getAnnotation(Between.class);
        if (b != null) {
            return expected(b);
        }
        OneOf o = type.getAnnotation(OneOf.class);
        if (o != null) {
            return expected(o);
        }
        Match m = type.getAnnotation(Match.class);
        return m == null ? null : m.expected();
    }

    /** Why {@code v} breaks a constraint of {@code type}, or null; the first broken one only. */
    static String problem(Object v, AnnotatedElement type) {
        Between b = type.getAnnotation(Between.class);
        if (b != null && v instanceof Number n && (n.longValue() < b.min() || n.longValue() > b.max() || n.doubleValue() != n.longValue())) {
            return v + " (expected: " + expected(b) + ")";
        }
        GreaterThan g = type.getAnnotation(GreaterThan.class);
        if (g != null && v instanceof Number n && !(n.doubleValue() > g.value())) {
            return plain(n) + " (expected: > " + plain(g.value()) + ")";
        }
        OneOf o = type.getAnnotation(OneOf.class);
        if (o != null && v instanceof String s && !Arrays.asList(o.value()).contains(s)) {
            return s + " (expected: " + expected(o) + ")";
        }
        Length l = type.getAnnotation(Length.class);
        int length = v instanceof String s ? s.length() : v instanceof List<?> list ? list.size() : -1;
        if (l != null && length >= 0 && (length < l.min() || length > l.max())) {
            if (!l.message().isEmpty()) {
                return l.message();
            }
            return v + " (expected: " + (l.expected().isEmpty() ? lengthText(l, v instanceof String) : l.expected()) + ")";
        }
        Match m = type.getAnnotation(Match.class);
        if (m != null && v instanceof String s && !pattern(m).matcher(s).matches()) {
            return m.message().isEmpty() ? s + " (expected: " + m.expected() + ")" : m.message();
        }
        NotContaining nc = type.getAnnotation(NotContaining.class);
        if (nc != null && v instanceof String s && Arrays.stream(nc.value()).anyMatch(s::contains)) {
            return s + " (expected: " + nc.expected() + ")";
        }
        return null;
    }

    /**
     * What the constraints on {@code type} allow, in words, one entry per constraint (empty when
     * none): the configuration reference prints these beside each field.
     */
    public static List<String> describe(AnnotatedElement type) {
        List<String> out = new java.util.ArrayList<>();
        if (type.isAnnotationPresent(Required.class)) {
            out.add("required");
        }
        Between b = type.getAnnotation(Between.class);
        if (b != null) {
            out.add(expected(b));
        }
        GreaterThan g = type.getAnnotation(GreaterThan.class);
        if (g != null) {
            out.add("> " + plain(g.value()));
        }
        OneOf o = type.getAnnotation(OneOf.class);
        if (o != null) {
            out.add(expected(o));
        }
        Length l = type.getAnnotation(Length.class);
        if (l != null) {
            out.add(l.expected().isEmpty() ? "length " + lengthText(l, true).replace(" characters", "") : l.expected());
        }
        Match m = type.getAnnotation(Match.class);
        if (m != null) {
            out.add(m.expected());
        }
        NotContaining nc = type.getAnnotation(NotContaining.class);
        if (nc != null) {
            out.add(nc.expected());
        }
        return out;
    }

    private static String expected(Between b) {
        if (!b.expected().isEmpty()) {
            return b.expected();
        }
        return b.max() == Long.MAX_VALUE ? "> " + (b.min() - 1) : b.min() + ".." + b.max();
    }

    private static String expected(OneOf o) {
        return o.expected().isEmpty() ? "one of " + String.join(", ", o.value()) : o.expected();
    }

    private static String lengthText(Length l, boolean characters) {
        String unit = characters ? " characters" : " elements";
        if (l.max() == Integer.MAX_VALUE) {
            return "at least " + l.min() + unit;
        }
        return l.min() + " to " + l.max() + unit;
    }

    private static boolean isConfigRecord(Class<?> c) {
        RecordComponent[] components = c.getRecordComponents();
        return components != null && components.length > 0 && components[0].isAnnotationPresent(Doc.class);
    }

    private static String plain(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
