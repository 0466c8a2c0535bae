package dev.fairway.analytics;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of {@code GET /analytics}, checked: a bad one is a 400 naming it. The range is
 * widened to whole minutes, [from, to).
 *
 * @param groupBy null, {@code route}, {@code provider}, {@code model} or {@code metadata.<key>}
 * @param metaKey the key of the one {@code metadata.<key>=<value>} filter, or null
 */
record AnalyticsQuery(long fromMillis, long toMillis, long intervalMillis, String groupBy,
                      String route, String provider, String model, String metaKey, String metaValue) {
    static final long MINUTE = 60_000;
    static final long HOUR = 3_600_000;
    static final int MAX_POINTS = 10_080;
    private static final Set<String> PLAIN = Set.of("from", "to", "group_by", "interval", "route", "provider", "model");
    private static final String META = "metadata.";

    /** Parses query parameters; {@code now} is the default end, an hour before it the default start. */
    static AnalyticsQuery parse(Map<String, List<String>> params, long now) {
        String metaKey = null;
        String metaValue = null;
        for (String name : params.keySet()) {
            if (params.get(name).size() > 1) {
                throw bad(name, "%s: given %d times (expected: once)", name, params.get(name).size());
            }
            if (name.startsWith(META)) {
                if (metaKey != null) {
                    throw bad(name, "%s: only one metadata filter is supported (already filtering on %s%s)", name, META, metaKey);
                }
                metaKey = name.substring(META.length());
                metaValue = params.get(name).get(0);
                if (metaKey.isEmpty()) {
                    throw bad(name, "%s: names no metadata key (expected: metadata.<key>=<value>)", name);
                }
            } else if (!PLAIN.contains(name)) {
                throw bad(name, "%s: unknown parameter (expected one of: from, to, group_by, interval, route, provider, model, metadata.<key>)", name);
            }
        }
        // By default up to now, the current minute included.
        long to = params.containsKey("to") ? time("to", one(params, "to")) : now + 1;
        long from = params.containsKey("from") ? time("from", one(params, "from")) : now - HOUR;
        long fromMinute = Math.floorDiv(from, MINUTE) * MINUTE;
        long toMinute = -Math.floorDiv(-to, MINUTE) * MINUTE;
        if (toMinute <= fromMinute) {
            throw bad("to", "to: %s (expected: after from, %s)", Instant.ofEpochMilli(to), Instant.ofEpochMilli(from));
        }
        long interval = interval(one(params, "interval"), toMinute - fromMinute);
        if ((toMinute - fromMinute) / interval > MAX_POINTS) {
            throw bad("interval", "interval: %s gives %d points for this range (expected: at most %d; use interval=hour)",
                    interval == MINUTE ? "minute" : "hour", (toMinute - fromMinute) / interval, MAX_POINTS);
        }
        String groupBy = one(params, "group_by");
        if (groupBy != null) {
            boolean plain = groupBy.equals("route") || groupBy.equals("provider") || groupBy.equals("model")
                    || Observation.FLOW_DIMENSIONS.contains(groupBy);
            boolean meta = groupBy.startsWith(META) && groupBy.length() > META.length();
            if (!plain && !meta) {
                throw bad("group_by", "group_by: %s (expected: route, provider, model, flow, flow_version, flow_branch or metadata.<key>)", groupBy);
            }
            if (Observation.FLOW_DIMENSIONS.contains(groupBy) && metaKey != null) {
                throw bad("group_by", "group_by: %s cannot be combined with a filter on metadata.%s (expected: no metadata filter)", groupBy, metaKey);
            }
            if (meta && metaKey != null && !groupBy.substring(META.length()).equals(metaKey)) {
                throw bad("group_by", "group_by: %s cannot be combined with a filter on metadata.%s (expected: the same key, or no metadata filter)", groupBy, metaKey);
            }
        }
        return new AnalyticsQuery(fromMinute, toMinute, interval, groupBy,
                one(params, "route"), one(params, "provider"), one(params, "model"), metaKey, metaValue);
    }

    /** The metadata key the rows of this query must carry, or null for base rows. */
    String rowMetaKey() {
        if (metaKey != null) {
            return metaKey;
        }
        if (groupBy != null && Observation.FLOW_DIMENSIONS.contains(groupBy)) {
            return Observation.dimensionKey(groupBy);
        }
        return groupBy != null && groupBy.startsWith(META) ? groupBy.substring(META.length()) : null;
    }

    boolean matches(RollupKey k) {
        return (route == null || route.equals(k.route()))
                && (provider == null || provider.equals(k.provider()))
                && (model == null || model.equals(k.model()));
    }

    boolean matches(Observation o) {
        return o.epochMillis() >= fromMillis && o.epochMillis() < toMillis
                && (route == null || route.equals(o.route()))
                && (provider == null || provider.equals(o.provider()))
                && (model == null || model.equals(o.model()))
                && (metaKey == null || metaValue.equals(o.metadata().get(metaKey)));
    }

    /** The group a row belongs to, or null when this query has no groups. */
    String groupOf(RollupKey k) {
        if (groupBy == null) {
            return null;
        }
        return switch (groupBy) {
            case "route" -> k.route();
            case "provider" -> k.provider();
            case "model" -> k.model();
            default -> k.metaValue();
        };
    }

    private static String one(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static long time(String name, String value) {
        if (value == null || value.isBlank()) {
            throw bad(name, "%s: empty (expected: an ISO-8601 instant or epoch milliseconds)", name);
        }
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw bad(name, "%s: %s (expected: epoch milliseconds)", name, value);
            }
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw bad(name, "%s: %s (expected: an ISO-8601 instant such as 2026-01-31T12:00:00Z, or epoch milliseconds)", name, value);
        }
    }

    private static long interval(String value, long range) {
        if (value == null) {
            // About a hundred points or fewer for the common ranges, minutes up to six hours.
            return range <= 6 * HOUR ? MINUTE : HOUR;
        }
        return switch (value) {
            case "minute" -> MINUTE;
            case "hour" -> HOUR;
            default -> throw bad("interval", "interval: %s (expected: minute or hour)", value);
        };
    }

    private static GatewayError bad(String parameter, String format, Object... args) {
        return GatewayError.of(ErrorType.INVALID_REQUEST, format, args).with("parameter", parameter);
    }
}
