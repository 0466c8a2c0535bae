package dev.fairway.logstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Binds a {@link StoredLog} to the store's INSERT and reads one back, in the order of the columns. */
final class Rows {
    private Rows() {}

    static void bind(PreparedStatement ps, StoredLog r) throws SQLException {
        ps.setString(1, r.logId());
        ps.setObject(2, r.eventId(), Types.VARCHAR);
        ps.setString(3, r.node());
        ps.setLong(4, r.seq());
        ps.setLong(5, r.createdAt());
        ps.setDouble(6, r.durationMs());
        ps.setObject(7, r.ttfbMs(), Types.DOUBLE);
        ps.setInt(8, r.latencyBucket());
        ps.setInt(9, r.ttfbBucket());
        ps.setObject(10, r.route(), Types.VARCHAR);
        ps.setObject(11, r.provider(), Types.VARCHAR);
        ps.setObject(12, r.model(), Types.VARCHAR);
        ps.setInt(13, r.status());
        ps.setBoolean(14, r.success());
        ps.setBoolean(15, r.cached());
        ps.setObject(16, r.errorType(), Types.VARCHAR);
        ps.setObject(17, r.tokensIn(), Types.BIGINT);
        ps.setObject(18, r.tokensOut(), Types.BIGINT);
        ps.setObject(19, r.tokensCached(), Types.BIGINT);
        ps.setObject(20, r.costUsd(), Types.DOUBLE);
        ps.setString(21, r.metadata());
        ps.setObject(22, r.feedback(), Types.INTEGER);
        ps.setObject(23, r.score(), Types.INTEGER);
        ps.setBoolean(24, r.semantic());
    }

    static void bindRecord(PreparedStatement ps, StoredLog r, RecordCodec codec) throws SQLException {
        ps.setString(1, r.logId());
        codec.bind(ps, 2, r.record());
    }

    static StoredLog read(ResultSet rs, boolean withRecord) throws SQLException {
        return new StoredLog(rs.getString("log_id"), rs.getString("event_id"), rs.getString("node"), rs.getLong("seq"),
                rs.getLong("created_at"), rs.getDouble("duration_ms"), nullableDouble(rs, "ttfb_ms"),
                rs.getInt("latency_bucket"), rs.getInt("ttfb_bucket"), rs.getString("route"), rs.getString("provider"),
                rs.getString("model"), rs.getInt("status"), rs.getBoolean("success"), rs.getBoolean("cached"),
                rs.getBoolean("cache_semantic"), rs.getString("error_type"), nullableLong(rs, "tokens_in"), nullableLong(rs, "tokens_out"),
                nullableLong(rs, "tokens_cached"), nullableDouble(rs, "cost_usd"), rs.getString("metadata"),
                nullableInt(rs, "feedback"), nullableInt(rs, "score"), withRecord ? RecordCodec.read(rs, "record") : null);
    }

    /** {@code r} with other feedback and score. */
    static StoredLog withFeedback(StoredLog r, Integer feedback, Integer score) {
        return new StoredLog(r.logId(), r.eventId(), r.node(), r.seq(), r.createdAt(), r.durationMs(), r.ttfbMs(),
                r.latencyBucket(), r.ttfbBucket(), r.route(), r.provider(), r.model(), r.status(), r.success(),
                r.cached(), r.semantic(), r.errorType(), r.tokensIn(), r.tokensOut(), r.tokensCached(), r.costUsd(),
                r.metadata(), feedback, score, r.record());
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
