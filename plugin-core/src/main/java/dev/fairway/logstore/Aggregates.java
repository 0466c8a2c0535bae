package dev.fairway.logstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The analytics query: counters per (time bucket, group, latency bucket), then request counts per
 * (time bucket, group, ttfb bucket), so that analytics can rebuild its histograms exactly as if it
 * had counted every request itself.
 */
final class Aggregates {
    private static final java.util.Set<String> FLOW_GROUPS = java.util.Set.of("flow", "flow_version", "flow_branch");

    private Aggregates() {}

    static List<LogStore.AggregateRow> run(JdbcLogStore store, LogFilter filter, long interval, String groupBy) {
        String group;
        Object groupParam = null;
        if (groupBy == null) {
            group = "CAST(NULL AS VARCHAR(16))";
        } else if (groupBy.equals("route") || groupBy.equals("provider") || groupBy.equals("model")) {
            group = groupBy;
        } else if (groupBy.startsWith("metadata.") || FLOW_GROUPS.contains(groupBy)) {
            // A routing flow's dimensions are stored as reserved metadata keys (SpoolLines.dimensions).
            String key = groupBy.startsWith("metadata.") ? groupBy.substring("metadata.".length()) : "fairway." + groupBy;
            group = store.dialect().metadataValue();
            groupParam = store.dialect().metadataKeyParameter(key);
        } else {
            throw new IllegalArgumentException("groupBy: " + groupBy + " (expected: route, provider, model or metadata.<key>)");
        }
        SqlFilter where = new SqlFilter(filter, store.dialect());
        if (groupParam != null) {
            // Grouping by a metadata key counts only the records that carry it.
            where.and(group + " IS NOT NULL", groupParam);
        }
        String counters = "SELECT created_at - (created_at % ?) AS b, " + group + " AS g, latency_bucket, -2,"
                + " COUNT(*), SUM(CASE WHEN cached THEN 1 ELSE 0 END), SUM(CASE WHEN success THEN 0 ELSE 1 END),"
                + " COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COALESCE(SUM(tokens_cached), 0),"
                + " COALESCE(SUM(cost_usd), 0) FROM fairway_logs" + where.where + " GROUP BY 1, 2, 3";
        // Time to first byte apart: grouping by both histograms at once would multiply the rows.
        String ttfb = "SELECT created_at - (created_at % ?) AS b, " + group + " AS g, -2, ttfb_bucket, COUNT(*),"
                + " 0, 0, 0, 0, 0, 0 FROM fairway_logs" + where.where + " AND ttfb_bucket >= 0 GROUP BY 1, 2, 4";
        Object gp = groupParam;
        return store.read(c -> {
            List<LogStore.AggregateRow> out = new ArrayList<>();
            for (String sql : List.of(counters, ttfb)) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    ps.setLong(i++, interval);
                    if (gp != null) {
                        ps.setObject(i++, gp);
                    }
                    where.bind(ps, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new LogStore.AggregateRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                                    rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                                    rs.getLong(10), rs.getDouble(11)));
                        }
                    }
                }
            }
            return out;
        });
    }
}
