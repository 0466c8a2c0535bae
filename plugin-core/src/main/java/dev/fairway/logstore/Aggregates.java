package dev.fairway.logstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics query over the records, for what the rollup cannot answer (metadata groups and
 * filters): counters per (time bucket, group, latency bucket), then request counts per (time
 * bucket, group, ttfb bucket), added up here into one {@link LogStore.AggregateRow} per (time
 * bucket, group), so that analytics rebuilds its histograms exactly as if it had counted every
 * request itself.
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
        String counters = "SELECT created_at - (created_at % ?) AS b, " + group + " AS g, latency_bucket,"
                + " COUNT(*), SUM(CASE WHEN cached THEN 1 ELSE 0 END), SUM(CASE WHEN cache_semantic THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN success THEN 0 ELSE 1 END),"
                + " COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COALESCE(SUM(tokens_cached), 0),"
                + " SUM(CASE WHEN feedback > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN feedback < 0 THEN 1 ELSE 0 END),"
                + " COALESCE(SUM(score), 0), COUNT(score), COALESCE(SUM(cost_usd), 0) FROM fairway_logs" + where.where
                + " GROUP BY 1, 2, 3";
        // Time to first byte apart: grouping by both histograms at once would multiply the rows.
        String ttfb = "SELECT created_at - (created_at % ?) AS b, " + group + " AS g, ttfb_bucket, COUNT(*)"
                + " FROM fairway_logs" + where.where + " AND ttfb_bucket >= 0 GROUP BY 1, 2, 3";
        Object gp = groupParam;
        return store.read(c -> {
            Map<List<Object>, long[]> cells = new HashMap<>();
            Map<List<Object>, double[]> costs = new HashMap<>();
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
                            List<Object> key = Arrays.asList(rs.getLong(1), rs.getString(2));
                            long[] sum = cells.computeIfAbsent(key, k -> new long[Cells.SIZE]);
                            int bucket = Math.clamp(rs.getInt(3), 0, Cells.BUCKETS - 1);
                            if (sql == ttfb) {
                                sum[Cells.TTFB + bucket] += rs.getLong(4);
                                continue;
                            }
                            sum[Cells.LATENCY + bucket] += rs.getLong(4);
                            for (int k = 0; k < Cells.COUNTERS; k++) {
                                sum[k] += rs.getLong(4 + k);
                            }
                            costs.computeIfAbsent(key, k -> new double[1])[0] += rs.getDouble(4 + Cells.COUNTERS);
                        }
                    }
                }
            }
            List<LogStore.AggregateRow> out = new ArrayList<>(cells.size());
            cells.forEach((k, sum) -> out.add(new LogStore.AggregateRow((Long) k.get(0), (String) k.get(1), sum,
                    costs.getOrDefault(k, new double[1])[0])));
            return out;
        });
    }
}
