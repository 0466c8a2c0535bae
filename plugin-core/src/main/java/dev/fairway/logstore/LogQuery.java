package dev.fairway.logstore;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of {@code GET /logs} and {@code DELETE /logs}, checked: a bad one is a 400 naming it.
 *
 * @param cursor null for the first page
 */
public record LogQuery(LogFilter filter, LogStore.Sort sort, boolean ascending, LogPage.Cursor cursor, int limit) {
    public static final int MAX_LIMIT = 1000;
    private static final String META = "metadata.";
    private static final Set<String> NAMES = Set.of("from", "to", "route", "provider", "model", "status", "success",
            "cached", "log_id", "event_id", "min_cost", "min_duration", "sort", "order", "cursor", "limit");
    private static final String EXPECTED = "from, to, route, provider, model, status, success, cached, metadata.<key>,"
            + " log_id, event_id, min_cost, min_duration, sort, order, cursor, limit";

    public static LogQuery parse(Map<String, List<String>> params) {
        String metaKey = null;
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String name = e.getKey();
            if (e.getValue().size() > 1) {
                throw bad(name, "%s: given %d times (expected: once)", name, e.getValue().size());
            }
            if (name.startsWith(META)) {
                if (metaKey != null || name.length() == META.length()) {
                    throw bad(name, "%s: one metadata.<key>=<value> filter is supported", name);
                }
                metaKey = name.substring(META.length());
            } else if (!NAMES.contains(name)) {
                throw bad(name, "%s: unknown parameter (expected one of: %s)", name, EXPECTED);
            }
        }
        Long from = time(params, "from");
        Long to = time(params, "to");
        if (from != null && to != null && to <= from) {
            throw bad("to", "to: %s (expected: after from, %s)", Instant.ofEpochMilli(to), Instant.ofEpochMilli(from));
        }
        String status = one(params, "status");
        Integer statusCode = null;
        if (status != null) {
            statusCode = integer("status", status, 100, 599);
        }
        LogFilter filter = new LogFilter(from, to, one(params, "route"), one(params, "provider"), one(params, "model"),
                statusCode, bool(params, "success"), bool(params, "cached"), metaKey,
                metaKey == null ? null : one(params, META + metaKey), one(params, "log_id"), one(params, "event_id"),
                number(params, "min_cost"), number(params, "min_duration"));
        String sortName = one(params, "sort");
        LogStore.Sort sort = LogStore.Sort.TIME;
        if (sortName != null) {
            try {
                sort = LogStore.Sort.valueOf(sortName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw bad("sort", "sort: %s (expected: time, cost or duration)", sortName);
            }
        }
        String order = one(params, "order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw bad("order", "order: %s (expected: asc or desc)", order);
        }
        String cursor = one(params, "cursor");
        String limit = one(params, "limit");
        return new LogQuery(filter, sort, "asc".equals(order), cursor == null ? null : LogPage.Cursor.decode(cursor),
                limit == null ? 50 : integer("limit", limit, 1, MAX_LIMIT));
    }

    private static String one(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Long time(Map<String, List<String>> params, String name) {
        String v = one(params, name);
        if (v == null) {
            return null;
        }
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit) && v.length() <= 15) {
            return Long.parseLong(v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw bad(name, "%s: %s (expected: an ISO-8601 instant such as 2026-01-31T12:00:00Z, or epoch milliseconds)", name, v);
        }
    }

    private static Boolean bool(Map<String, List<String>> params, String name) {
        String v = one(params, name);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(name, "%s: %s (expected: true or false)", name, v);
        };
    }

    private static Double number(Map<String, List<String>> params, String name) {
        String v = one(params, name);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(name, "%s: %s (expected: a number >= 0)", name, v);
        }
    }

    private static int integer(String name, String v, int min, int max) {
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw bad(name, "%s: %s (expected: an integer from %d to %d)", name, v, min, max);
        }
    }

    static GatewayError bad(String parameter, String format, Object... args) {
        return GatewayError.of(ErrorType.INVALID_REQUEST, format, args).with("parameter", parameter);
    }
}
