package dev.fairway.logstore;

import java.util.List;

/** What differs between the databases the store runs on; everything else is plain SQL. */
public enum Dialect {
    SQLITE, POSTGRES, DUCKDB;

    /** The table and its indexes; idempotent. */
    List<String> schema() {
        String real = this == SQLITE ? "REAL" : "DOUBLE PRECISION";
        String text = this == DUCKDB ? "VARCHAR" : "TEXT";
        return List.of(
                "CREATE TABLE IF NOT EXISTS fairway_logs (log_id VARCHAR(128) PRIMARY KEY, event_id VARCHAR(256),"
                        + " node VARCHAR(1024) NOT NULL, seq BIGINT NOT NULL, created_at BIGINT NOT NULL,"
                        + " duration_ms " + real + " NOT NULL, ttfb_ms " + real + ", latency_bucket INTEGER NOT NULL,"
                        + " ttfb_bucket INTEGER NOT NULL, route VARCHAR(256), provider VARCHAR(256), model VARCHAR(512),"
                        + " status INTEGER NOT NULL, success BOOLEAN NOT NULL, cached BOOLEAN NOT NULL,"
                        + " error_type VARCHAR(256), tokens_in BIGINT, tokens_out BIGINT, tokens_cached BIGINT,"
                        + " cost_usd " + real + ", metadata " + text + " NOT NULL, feedback INTEGER, score INTEGER)",
                // The whole line apart, so that list and analytics scans read narrow rows only.
                "CREATE TABLE IF NOT EXISTS fairway_log_records (log_id VARCHAR(128) PRIMARY KEY, record " + text + " NOT NULL)",
                // Each list filter's equality columns, then the keyset (sort key, log_id): the page is read
                // in index order and stops after limit + 1 rows instead of sorting every match.
                "DROP INDEX IF EXISTS fairway_logs_time",
                "DROP INDEX IF EXISTS fairway_logs_route_time",
                "DROP INDEX IF EXISTS fairway_logs_status_time",
                "DROP INDEX IF EXISTS fairway_logs_model_time",
                "CREATE INDEX IF NOT EXISTS fairway_logs_time_id ON fairway_logs (created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_route_time_id ON fairway_logs (route, created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_event ON fairway_logs (event_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_status_time_id ON fairway_logs (status, created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_model_time_id ON fairway_logs (provider, model, created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_cost_id ON fairway_logs ((COALESCE(cost_usd, -1)), log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_success_duration_id ON fairway_logs (success, duration_ms, log_id)",
                RollupDeltas.ddl(real),
                MetaIndex.ddl().get(0),
                MetaIndex.ddl().get(1),
                "CREATE TABLE IF NOT EXISTS fairway_log_erased (log_id VARCHAR(128) PRIMARY KEY, erased_at BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS fairway_log_feed (node VARCHAR(1024) PRIMARY KEY, last_seq BIGINT NOT NULL)");
    }

    /** An expression for the text value of metadata key {@code ?}, and how to bind the key. */
    String metadataValue() {
        return switch (this) {
            case SQLITE -> "json_extract(metadata, ?)";
            case POSTGRES -> "(metadata::jsonb ->> ?)";
            case DUCKDB -> "json_extract_string(metadata, ?)";
        };
    }

    Object metadataKeyParameter(String key) {
        // A JSON path for SQLite and DuckDB, with the key quoted so dots and brackets stay part of it.
        return this == POSTGRES ? key : "$.\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** An upsert of the feed position. */
    String upsertPosition() {
        return "INSERT INTO fairway_log_feed (node, last_seq) VALUES (?, ?) ON CONFLICT (node) DO UPDATE SET"
                + " last_seq = CASE WHEN excluded.last_seq > fairway_log_feed.last_seq THEN excluded.last_seq"
                + " ELSE fairway_log_feed.last_seq END";
    }
}
