package dev.fairway.analytics;

import dev.fairway.logstore.LogFilter;
import dev.fairway.logstore.LogStore;
import dev.fairway.logstore.StoredLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics answer computed from the log store instead of this process's memory: it survives
 * restarts and, on a shared PostgreSQL, covers every node. Same parameters and the same JSON as
 * {@link AnalyticsStore#query}; the store adds up counters and latency histogram buckets in SQL.
 */
final class StoreAnalytics {
    private StoreAnalytics() {}

    static Map<String, Object> query(LogStore store, AnalyticsQuery q) {
        LogFilter filter = new LogFilter(q.fromMillis(), q.toMillis(), q.route(), q.provider(), q.model(), null, null, null,
                q.metaKey(), q.metaValue(), null, null, null, null);
        Rollup totals = new Rollup();
        Map<Long, Rollup> series = new HashMap<>();
        Map<String, AnalyticsStore.Group> groups = new HashMap<>();
        String groupBy = q.groupBy();
        boolean metaGroups = groupBy != null && (groupBy.startsWith("metadata.") || groupBy.startsWith("flow"));
        List<LogStore.AggregateRow> rows = store.aggregate(filter, q.intervalMillis(), metaGroups ? null : groupBy);
        for (LogStore.AggregateRow r : rows) {
            totals.add(r);
            series.computeIfAbsent(r.bucket(), b -> new Rollup()).add(r);
            if (groupBy != null && !metaGroups) {
                addToGroup(groups, r);
            }
        }
        if (metaGroups) {
            // Totals cover every request; groups only those carrying the key (as in memory).
            for (LogStore.AggregateRow r : store.aggregate(filter, q.intervalMillis(), groupBy)) {
                addToGroup(groups, r);
            }
        }
        LogFilter failed = new LogFilter(q.fromMillis(), q.toMillis(), q.route(), q.provider(), q.model(), null, false, null,
                q.metaKey(), q.metaValue(), null, null, null, null);
        List<Map<String, Object>> errors = store.list(failed, LogStore.Sort.TIME, false, null, AnalyticsStore.ERRORS_SHOWN)
                .logs().stream().map(StoreAnalytics::error).toList();
        return AnalyticsStore.answer(q, totals, series, groups, errors);
    }

    private static void addToGroup(Map<String, AnalyticsStore.Group> groups, LogStore.AggregateRow r) {
        Rollup one = new Rollup();
        one.add(r);
        groups.computeIfAbsent(r.group() == null ? "unknown" : r.group(), AnalyticsStore.Group::new).add(r.bucket(), one);
    }

    private static Map<String, Object> error(StoredLog l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("log_id", l.logId());
        m.put("time", Instant.ofEpochMilli(l.createdAt()).toString());
        m.put("route", l.route());
        m.put("provider", l.provider());
        m.put("model", l.model());
        m.put("status", l.status());
        m.put("error_type", l.errorType() != null ? l.errorType() : "http_" + l.status());
        return m;
    }
}
