package dev.fairway.logstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The analytics query: one row per (time bucket, group, latency bucket, ttfb bucket), so that
 * analytics can rebuild its latency histograms exactly as if it had counted every request itself.
 */
final class Aggregates {
    private Aggregates() {}

    static List<LogStore.AggregateRow> run(JdbcLogStore store, LogFilter filter, long interval, String groupBy) {
        String group;
        Object groupParam = null;
        if (groupBy == null) {
            group = "CAST(NULL AS VARCHAR(16))";
        } else if (groupBy.equals("route") || groupBy.equals("provider") || groupBy.equals("model")) {
            group = groupBy;
        } else if (groupBy.startsWith("metadata.")) {
            group = store.dialect().metadataValue();
            groupParam = store.dialect().metadataKeyParameter(groupBy.substring("metadata.".length()));
        } else {
            throw new IllegalArgumentException("groupBy: " + groupBy + " (expected: route, provider, model or metadata.<key>)");
        }
        SqlFilter where = new SqlFilter(filter, store.dialect());
        if (groupParam != null) {
            // Grouping by a metadata key counts only the records that carry it.
            where.and(group + " IS NOT NULL", groupParam);
        }
        String sql = "SELECT created_at - (created_at % ?) AS b, " + group + " AS g, latency_bucket, ttfb_bucket,"
                + " COUNT(*), SUM(CASE WHEN cached THEN 1 ELSE 0 END), SUM(CASE WHEN success THEN 0 ELSE 1 END),"
                + " COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COALESCE(SUM(tokens_cached), 0),"
                + " COALESCE(SUM(cost_usd), 0) FROM fairway_logs" + where.where + " GROUP BY 1, 2, 3, 4";
        Object gp = groupParam;
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setLong(i++, interval);
                if (gp != null) {
                    ps.setObject(i++, gp);
                }
                where.bind(ps, i);
                List<LogStore.AggregateRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new LogStore.AggregateRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                                rs.getDouble(11)));
                    }
                }
                return out;
            }
        });
    }
}
