package dev.fairway.logstore;

import static dev.fairway.logstore.RollupDeltas.HOUR;
import static dev.fairway.logstore.RollupDeltas.MINUTE;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics query answered from the rollup ({@link RollupDeltas}) instead of the records: the
 * same {@link LogStore.AggregateRow}s as {@link Aggregates}, one per time bucket and group. Whole
 * hours come from the hourly rows, the minutes at either end of the range from the per-minute rows.
 * The rows are read as stored and added up here, not summed in SQL: one pass over narrow rows with
 * the histograms parsed from their text (an SQL SUM per histogram bucket was most of the cost).
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
        String group = groupBy == null ? "''" : groupBy;
        StringBuilder sql = new StringBuilder("SELECT start_at, " + group);
        for (String c : Cells.valueColumns()) {
            sql.append(", ").append(c);
        }
        sql.append(" FROM " + RollupDeltas.TABLE + " WHERE span = ? AND start_at >= ? AND start_at < ?");
        List<String> dims = new ArrayList<>();
        for (String[] d : new String[][] {{"route", f.route()}, {"provider", f.provider()}, {"model", f.model()}}) {
            if (d[1] != null) {
                sql.append(" AND ").append(d[0]).append(" = ?");
                dims.add(RollupDeltas.encode(d[1]));
            }
        }
        return store.read(c -> {
            Map<Cell, long[]> cells = new HashMap<>();
            Map<Cell, double[]> costs = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (long[] s : segments) {
                    if (s[1] >= s[2]) {
                        continue;
                    }
                    int i = 1;
                    ps.setLong(i++, s[0]);
                    ps.setLong(i++, s[1]);
                    ps.setLong(i++, s[2]);
                    for (String d : dims) {
                        ps.setString(i++, d);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long start = rs.getLong(1);
                            Cell key = new Cell(start - Math.floorMod(start, interval), groupBy == null ? null
                                    : RollupDeltas.decode(rs.getString(2)));
                            long[] sum = cells.computeIfAbsent(key, k -> new long[Cells.SIZE]);
                            int col = 3;
                            for (int k = 0; k < Cells.COUNTERS; k++) {
                                sum[k] += rs.getLong(col++);
                            }
                            costs.computeIfAbsent(key, k -> new double[1])[0] += rs.getDouble(col++);
                            Cells.addDecoded(rs.getString(col++), sum, Cells.LATENCY);
                            Cells.addDecoded(rs.getString(col), sum, Cells.TTFB);
                        }
                    }
                }
            }
            List<LogStore.AggregateRow> out = new ArrayList<>(cells.size());
            cells.forEach((k, sum) -> {
                if (sum[Cells.REQUESTS] > 0) {
                    out.add(new LogStore.AggregateRow(k.bucket(), k.group(), sum, costs.get(k)[0]));
                }
            });
            return out;
        });
    }

    private record Cell(long bucket, String group) {}

    private static long ceil(long t) {
        long r = t % HOUR;
        return r == 0 ? t : t - r + (t > 0 ? HOUR : 0);
    }
}
