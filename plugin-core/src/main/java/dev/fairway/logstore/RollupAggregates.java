package dev.fairway.logstore;

import static dev.fairway.logstore.RollupDeltas.BUCKETS;
import static dev.fairway.logstore.RollupDeltas.HOUR;
import static dev.fairway.logstore.RollupDeltas.MINUTE;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The analytics query answered from the rollup ({@link RollupDeltas}) instead of the records: the
 * same {@link LogStore.AggregateRow}s as {@link Aggregates} (per time bucket and group: counters on
 * the first latency bucket's row, request counts per latency and ttfb bucket), so analytics adds
 * them up to the same answer. Whole hours come from the hourly rows, the minutes at either end of
 * the range from the per-minute rows.
 */
final class RollupAggregates {
    private RollupAggregates() {}

    /**
     * Whether the rollup can answer: it holds route, provider and model only (metadata and the list
     * filters need the records) and whole minutes only.
     */
    static boolean answers(LogFilter f, long interval, String groupBy) {
        boolean dims = groupBy == null || groupBy.equals("route") || groupBy.equals("provider") || groupBy.equals("model");
        LogFilter onlyDims = new LogFilter(f.from(), f.to(), f.route(), f.provider(), f.model(), null, null, null, null,
                null, null, null, null, null);
        return dims && f.equals(onlyDims) && interval > 0 && interval % MINUTE == 0
                && (f.from() == null || f.from() % MINUTE == 0) && (f.to() == null || f.to() % MINUTE == 0);
    }

    static List<LogStore.AggregateRow> run(JdbcLogStore store, LogFilter f, long interval, String groupBy) {
        List<long[]> segments = new ArrayList<>(); // {span, from, to}
        long from = f.from() == null ? Long.MIN_VALUE : f.from();
        long to = f.to() == null ? Long.MAX_VALUE : f.to();
        if (interval % HOUR == 0) {
            long firstHour = f.from() == null ? from : ceil(from);
            long lastHour = f.to() == null ? to : to - to % HOUR;
            if (firstHour < lastHour) {
                segments.add(new long[] {MINUTE, from, firstHour});
                segments.add(new long[] {HOUR, firstHour, lastHour});
                segments.add(new long[] {MINUTE, lastHour, to});
            } else {
                segments.add(new long[] {MINUTE, from, to});
            }
        } else {
            segments.add(new long[] {MINUTE, from, to});
        }
        String group = groupBy == null ? "CAST(NULL AS VARCHAR(16))" : groupBy;
        StringBuilder sql = new StringBuilder("SELECT start_at - (start_at % ?), " + group);
        for (String c : RollupDeltas.valueColumns()) {
            sql.append(", SUM(").append(c).append(')');
        }
        sql.append(" FROM " + RollupDeltas.TABLE + " WHERE span = ? AND start_at >= ? AND start_at < ?");
        List<String> dims = new ArrayList<>();
        for (String[] d : new String[][] {{"route", f.route()}, {"provider", f.provider()}, {"model", f.model()}}) {
            if (d[1] != null) {
                sql.append(" AND ").append(d[0]).append(" = ?");
                dims.add(RollupDeltas.encode(d[1]));
            }
        }
        sql.append(" GROUP BY 1, 2");
        return store.read(c -> {
            List<LogStore.AggregateRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (long[] s : segments) {
                    if (s[1] >= s[2]) {
                        continue;
                    }
                    int i = 1;
                    ps.setLong(i++, interval);
                    ps.setLong(i++, s[0]);
                    ps.setLong(i++, s[1]);
                    ps.setLong(i++, s[2]);
                    for (String d : dims) {
                        ps.setString(i++, d);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows(rs, groupBy != null, out);
                        }
                    }
                }
            }
            return out;
        });
    }

    private static long ceil(long t) {
        long r = t % HOUR;
        return r == 0 ? t : t - r + (t > 0 ? HOUR : 0);
    }

    private static void rows(ResultSet rs, boolean grouped, List<LogStore.AggregateRow> out) throws java.sql.SQLException {
        long bucket = rs.getLong(1);
        String group = grouped ? RollupDeltas.decode(rs.getString(2)) : null;
        long requests = rs.getLong(3);
        if (requests <= 0) {
            return;
        }
        boolean first = true;
        for (int b = 0; b < BUCKETS; b++) {
            long n = rs.getLong(9 + b);
            if (n > 0) {
                out.add(first
                        ? new LogStore.AggregateRow(bucket, group, b, -2, n, rs.getLong(4), rs.getLong(5), rs.getLong(6),
                                rs.getLong(7), rs.getLong(8), rs.getDouble(9 + 2 * BUCKETS))
                        : new LogStore.AggregateRow(bucket, group, b, -2, n, 0, 0, 0, 0, 0, 0));
                first = false;
            }
        }
        for (int b = 0; b < BUCKETS; b++) {
            long n = rs.getLong(9 + BUCKETS + b);
            if (n > 0) {
                out.add(new LogStore.AggregateRow(bucket, group, -2, b, n, 0, 0, 0, 0, 0, 0));
            }
        }
    }
}
