package dev.fairway.logstore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changes to the analytics rollup ({@code fairway_log_rollup}) gathered over one transaction: +1 for
 * each record actually inserted, -1 for each record erased or removed by retention. The rollup holds
 * one row per (span, start, route, provider, model) for spans of a minute and of an hour, with the
 * counters and both latency histograms as columns, so a 7-day hourly query adds up 168 x groups rows
 * instead of every record. Keys are written in sorted order so that two nodes upserting the same rows
 * on a shared PostgreSQL lock them in the same order (no deadlock).
 */
final class RollupDeltas {
    static final long MINUTE = 60_000L;
    static final long HOUR = 3_600_000L;
    static final int BUCKETS = 64;
    /** requests, cached, errors, tokens in, tokens out, tokens cached, then latency and ttfb buckets. */
    private static final int CELLS = 6 + 2 * BUCKETS;
    static final String TABLE = "fairway_log_rollup";

    private record Key(long span, long start, String route, String provider, String model) {}

    private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::span).thenComparingLong(Key::start)
            .thenComparing(Key::route).thenComparing(Key::provider).thenComparing(Key::model);

    private final Map<Key, long[]> counts = new TreeMap<>(ORDER);
    private final Map<Key, double[]> costs = new TreeMap<>(ORDER);

    /** The rollup's encoding of a dimension: NOT NULL (a key column), null kept apart from "". */
    static String encode(String value) {
        return value == null ? "" : "=" + value;
    }

    static String decode(String stored) {
        return stored == null || stored.isEmpty() ? null : stored.substring(1);
    }

    /** Counts {@code r} once more ({@code sign} 1) or once less ({@code sign} -1). */
    void add(StoredLog r, int sign) {
        for (long span : new long[] {MINUTE, HOUR}) {
            Key k = new Key(span, r.createdAt() - r.createdAt() % span, encode(r.route()), encode(r.provider()),
                    encode(r.model()));
            long[] c = counts.computeIfAbsent(k, x -> new long[CELLS]);
            c[0] += sign;
            c[1] += r.cached() ? sign : 0;
            c[2] += r.success() ? 0 : sign;
            c[3] += sign * orZero(r.tokensIn());
            c[4] += sign * orZero(r.tokensOut());
            c[5] += sign * orZero(r.tokensCached());
            c[6 + Math.clamp(r.latencyBucket(), 0, BUCKETS - 1)] += sign;
            if (r.ttfbBucket() >= 0) {
                c[6 + BUCKETS + Math.min(r.ttfbBucket(), BUCKETS - 1)] += sign;
            }
            costs.computeIfAbsent(k, x -> new double[1])[0] += sign * (r.costUsd() == null ? 0 : r.costUsd());
        }
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    /** The value columns after the key, in the order of the cells, then cost. */
    static List<String> valueColumns() {
        List<String> cols = new ArrayList<>(List.of("requests", "cached", "errors", "tokens_in", "tokens_out", "tokens_cached"));
        for (int i = 0; i < BUCKETS; i++) {
            cols.add("l" + i);
        }
        for (int i = 0; i < BUCKETS; i++) {
            cols.add("f" + i);
        }
        cols.add("cost_usd");
        return cols;
    }

    static String ddl(String real) {
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS " + TABLE + " (span BIGINT NOT NULL,"
                + " start_at BIGINT NOT NULL, route TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL");
        for (String c : valueColumns()) {
            sb.append(", ").append(c).append(c.equals("cost_usd") ? " " + real : " BIGINT").append(" NOT NULL DEFAULT 0");
        }
        return sb.append(", PRIMARY KEY (span, start_at, route, provider, model))").toString();
    }

    /** Adds the gathered changes to the rollup, then drops the rows nothing counts any more. */
    void flush(Connection c) throws SQLException {
        if (counts.isEmpty()) {
            return;
        }
        List<String> values = valueColumns();
        StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " (span, start_at, route, provider, model");
        StringBuilder marks = new StringBuilder("?, ?, ?, ?, ?");
        StringBuilder update = new StringBuilder();
        for (String v : values) {
            sql.append(", ").append(v);
            marks.append(", ?");
            update.append(update.isEmpty() ? "" : ", ").append(v).append(" = ").append(TABLE).append('.').append(v)
                    .append(" + excluded.").append(v);
        }
        sql.append(") VALUES (").append(marks).append(") ON CONFLICT (span, start_at, route, provider, model) DO UPDATE SET ")
                .append(update);
        boolean removals = false;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (Map.Entry<Key, long[]> e : counts.entrySet()) {
                int i = bindKey(ps, e.getKey());
                for (long v : e.getValue()) {
                    ps.setLong(i++, v);
                }
                ps.setDouble(i, costs.get(e.getKey())[0]);
                ps.addBatch();
                removals |= e.getValue()[0] < 0;
            }
            ps.executeBatch();
        }
        if (removals) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE span = ? AND start_at = ?"
                    + " AND route = ? AND provider = ? AND model = ? AND requests <= 0")) {
                for (Map.Entry<Key, long[]> e : counts.entrySet()) {
                    if (e.getValue()[0] < 0) {
                        bindKey(ps, e.getKey());
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
        counts.clear();
        costs.clear();
    }

    private static int bindKey(PreparedStatement ps, Key k) throws SQLException {
        ps.setLong(1, k.span());
        ps.setLong(2, k.start());
        ps.setString(3, k.route());
        ps.setString(4, k.provider());
        ps.setString(5, k.model());
        return 6;
    }
}
