package dev.fairway.logstore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changes to the analytics rollup ({@value #TABLE}) gathered over one transaction: +1 for each
 * record actually inserted, -1 for each record erased or removed by retention, and a record's old
 * feedback and score out and its new ones in when a PATCH changes them. The rollup holds one row per
 * (span, start, route, provider, model) for spans of a minute and of an hour, with the counters as
 * columns and each latency histogram as one text column ({@link Cells}), so a 7-day hourly query
 * adds up 168 x groups rows instead of every record. One upsert per key and transaction, however
 * many records the key counts. Keys are written in sorted order so that two nodes upserting the same
 * rows on a shared PostgreSQL lock them in the same order (no deadlock).
 */
final class RollupDeltas {
    static final long MINUTE = 60_000L;
    static final long HOUR = 3_600_000L;
    static final int BUCKETS = Cells.BUCKETS;
    static final String TABLE = "fairway_log_rollup2";

    private record Key(long span, long start, String route, String provider, String model) {}

    private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::span).thenComparingLong(Key::start)
            .thenComparing(Key::route).thenComparing(Key::provider).thenComparing(Key::model);

    private final Dialect dialect;
    private final Map<Key, long[]> counts = new TreeMap<>(ORDER);
    private final Map<Key, double[]> costs = new TreeMap<>(ORDER);

    RollupDeltas(Dialect dialect) {
        this.dialect = java.util.Objects.requireNonNull(dialect, "dialect");
    }

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
            long[] c = cells(r, span);
            c[Cells.REQUESTS] += sign;
            c[Cells.CACHED] += r.cached() ? sign : 0;
            c[Cells.SEMANTIC] += r.semantic() ? sign : 0;
            c[Cells.ERRORS] += r.success() ? 0 : sign;
            c[Cells.TOKENS_IN] += sign * orZero(r.tokensIn());
            c[Cells.TOKENS_OUT] += sign * orZero(r.tokensOut());
            c[Cells.TOKENS_CACHED] += sign * orZero(r.tokensCached());
            c[Cells.LATENCY + Math.clamp(r.latencyBucket(), 0, BUCKETS - 1)] += sign;
            if (r.ttfbBucket() >= 0) {
                c[Cells.TTFB + Math.min(r.ttfbBucket(), BUCKETS - 1)] += sign;
            }
            costs.computeIfAbsent(key(r, span), x -> new double[1])[0] += sign * (r.costUsd() == null ? 0 : r.costUsd());
        }
        feedback(r, sign);
    }

    /** Counts only {@code r}'s feedback and score, once more or once less (a PATCH changes only those). */
    void feedback(StoredLog r, int sign) {
        for (long span : new long[] {MINUTE, HOUR}) {
            long[] c = cells(r, span);
            Integer f = r.feedback();
            c[Cells.FEEDBACK_UP] += f != null && f > 0 ? sign : 0;
            c[Cells.FEEDBACK_DOWN] += f != null && f < 0 ? sign : 0;
            if (r.score() != null) {
                c[Cells.SCORE_SUM] += (long) sign * r.score();
                c[Cells.SCORE_COUNT] += sign;
            }
            costs.computeIfAbsent(key(r, span), x -> new double[1]);
        }
    }

    private long[] cells(StoredLog r, long span) {
        return counts.computeIfAbsent(key(r, span), x -> new long[Cells.SIZE]);
    }

    private static Key key(StoredLog r, long span) {
        return new Key(span, r.createdAt() - Math.floorMod(r.createdAt(), span), encode(r.route()), encode(r.provider()),
                encode(r.model()));
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    static String ddl(String real) {
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS " + TABLE + " (span BIGINT NOT NULL,"
                + " start_at BIGINT NOT NULL, route TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL");
        for (String c : Cells.COUNTER_COLUMNS) {
            sb.append(", ").append(c).append(" BIGINT NOT NULL DEFAULT 0");
        }
        sb.append(", cost_usd ").append(real).append(" NOT NULL DEFAULT 0");
        sb.append(", latency TEXT NOT NULL DEFAULT '', ttfb TEXT NOT NULL DEFAULT ''");
        return sb.append(", PRIMARY KEY (span, start_at, route, provider, model))").toString();
    }

    /** Adds the gathered changes to the rollup, then drops the rows nothing counts any more. */
    void flush(Connection c) throws SQLException {
        if (counts.isEmpty()) {
            return;
        }
        if (dialect == Dialect.SQLITE) {
            SqliteHistograms.register(c);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " (span, start_at, route, provider, model");
        StringBuilder marks = new StringBuilder("?, ?, ?, ?, ?");
        StringBuilder update = new StringBuilder();
        for (String v : Cells.valueColumns()) {
            sql.append(", ").append(v);
            marks.append(", ?");
            String old = TABLE + "." + v;
            update.append(update.isEmpty() ? "" : ", ").append(v).append(" = ").append(v.equals("latency") || v.equals("ttfb")
                    ? dialect.histogramSum(old, "excluded." + v) : old + " + excluded." + v);
        }
        sql.append(") VALUES (").append(marks).append(") ON CONFLICT (span, start_at, route, provider, model) DO UPDATE SET ")
                .append(update);
        boolean removals = false;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (Map.Entry<Key, long[]> e : counts.entrySet()) {
                int i = bindKey(ps, e.getKey());
                long[] v = e.getValue();
                for (int k = 0; k < Cells.COUNTERS; k++) {
                    ps.setLong(i++, v[k]);
                }
                ps.setDouble(i++, costs.get(e.getKey())[0]);
                ps.setString(i++, Cells.encode(v, Cells.LATENCY));
                ps.setString(i, Cells.encode(v, Cells.TTFB));
                ps.addBatch();
                removals |= v[Cells.REQUESTS] < 0;
            }
            ps.executeBatch();
        }
        if (removals) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE span = ? AND start_at = ?"
                    + " AND route = ? AND provider = ? AND model = ? AND requests <= 0")) {
                for (Map.Entry<Key, long[]> e : counts.entrySet()) {
                    if (e.getValue()[Cells.REQUESTS] < 0) {
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
