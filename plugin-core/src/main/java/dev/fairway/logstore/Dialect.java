package dev.fairway.logstore;

import java.util.List;

/** What differs between the databases the store runs on; everything else is plain SQL. */
public enum Dialect {
    SQLITE, POSTGRES;

    /** The table and its indexes; idempotent. */
    List<String> schema() {
        String real = this == SQLITE ? "REAL" : "DOUBLE PRECISION";
        String text = "TEXT";
        return List.of(
                "CREATE TABLE IF NOT EXISTS fairway_logs (log_id VARCHAR(128) PRIMARY KEY, event_id VARCHAR(256),"
                        + " node VARCHAR(1024) NOT NULL, seq BIGINT NOT NULL, created_at BIGINT NOT NULL,"
                        + " duration_ms " + real + " NOT NULL, ttfb_ms " + real + ", latency_bucket INTEGER NOT NULL,"
                        + " ttfb_bucket INTEGER NOT NULL, route VARCHAR(256), provider VARCHAR(256), model VARCHAR(512),"
                        + " status INTEGER NOT NULL, success BOOLEAN NOT NULL, cached BOOLEAN NOT NULL,"
                        + " error_type VARCHAR(256), tokens_in BIGINT, tokens_out BIGINT, tokens_cached BIGINT,"
                        + " cost_usd " + real + ", metadata " + text + " NOT NULL, feedback INTEGER, score INTEGER,"
                        + " cache_semantic BOOLEAN NOT NULL DEFAULT FALSE)",
                // The whole line apart, so that list and analytics scans read narrow rows only.
                "CREATE TABLE IF NOT EXISTS fairway_log_records (log_id VARCHAR(128) PRIMARY KEY, record " + text + " NOT NULL)",
                // Each list filter's equality columns, then the keyset (created_at, log_id): a page in time
                // order is read in index order and stops after limit + 1 rows instead of sorting every match.
                "DROP INDEX IF EXISTS fairway_logs_time",
                "DROP INDEX IF EXISTS fairway_logs_route_time",
                "DROP INDEX IF EXISTS fairway_logs_status_time",
                "DROP INDEX IF EXISTS fairway_logs_model_time",
                // No index is keyed by cost or duration, so sort=cost and sort=duration sort the matching
                // rows (a time range, a route, success: each narrows them by an index) rather than read a
                // page in index order. Records arrive in time order, so each time-keyed index here takes
                // its new entries at the end of one of a few key ranges (a route's, a status's): pages a
                // commit writes once for hundreds of records (the event id index, which a lookup by the
                // client's id needs, takes them where the id falls, and records without one at its end).
                // A cost or a duration is random: once such an index has more leaf pages than a
                // transaction has records, each record dirties a page of its own, written to the
                // write-ahead log at the commit and again at the checkpoint. Under the floor benchmark's
                // plain load the duration index alone was a quarter of the feeder's CPU per record, and
                // it grows with the store, which is kept without limit by default (docs/benchmarks.md,
                // "What changed (issue 22, wave 16)").
                "DROP INDEX IF EXISTS fairway_logs_cost_id",
                "DROP INDEX IF EXISTS fairway_logs_success_duration_id",
                "CREATE INDEX IF NOT EXISTS fairway_logs_time_id ON fairway_logs (created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_route_time_id ON fairway_logs (route, created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_event ON fairway_logs (event_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_status_time_id ON fairway_logs (status, created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_model_time_id ON fairway_logs (provider, model, created_at, log_id)",
                "CREATE INDEX IF NOT EXISTS fairway_logs_success_time_id ON fairway_logs (success, created_at, log_id)",
                // The rollup before histograms were one column each (see Cells); Backfill refills it.
                "DROP TABLE IF EXISTS fairway_log_rollup",
                RollupDeltas.ddl(real) + withoutRowid(),
                MetaIndex.ddl().get(0) + withoutRowid(),
                MetaIndex.ddl().get(1),
                "CREATE TABLE IF NOT EXISTS fairway_log_erased (log_id VARCHAR(128) PRIMARY KEY, erased_at BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS fairway_log_feed (node VARCHAR(1024) PRIMARY KEY, last_seq BIGINT NOT NULL)");
    }

    /**
     * SQLite keeps a table with a primary key as a rowid table plus an index on the key: two b-trees
     * written per row. WITHOUT ROWID keeps the rows in the key's b-tree, one write, for the narrow
     * tables written with every record (rollup, metadata side table); not for fairway_logs and
     * fairway_log_records, whose wide rows are better appended in rowid order.
     */
    private String withoutRowid() {
        return this == SQLITE ? " WITHOUT ROWID" : "";
    }

    /** Columns added since the first release of the store, for a store created before them. */
    void migrate(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            if (this == POSTGRES) {
                s.execute("ALTER TABLE fairway_logs ADD COLUMN IF NOT EXISTS cache_semantic BOOLEAN NOT NULL DEFAULT FALSE");
                return;
            }
            boolean found = false;
            try (java.sql.ResultSet rs = s.executeQuery("PRAGMA table_info(fairway_logs)")) {
                while (rs.next()) {
                    found |= rs.getString("name").equals("cache_semantic");
                }
            }
            if (!found) {
                s.execute("ALTER TABLE fairway_logs ADD COLUMN cache_semantic BOOLEAN NOT NULL DEFAULT FALSE");
            }
        }
    }

    /**
     * The sum of two rollup histograms ({@link Cells}) in an upsert: a Java function on SQLite
     * (registered by {@link RollupDeltas#flush}), SQL over arrays on PostgreSQL.
     */
    String histogramSum(String a, String b) {
        return switch (this) {
            case SQLITE -> "fairway_hist_add(" + a + ", " + b + ")";
            case POSTGRES -> "array_to_string(ARRAY(SELECT COALESCE(x, 0) + COALESCE(y, 0) FROM unnest(string_to_array("
                    + a + ", ',')::bigint[], string_to_array(" + b + ", ',')::bigint[]) WITH ORDINALITY AS u(x, y, i)"
                    + " ORDER BY i), ',')";
        };
    }

    /** An expression for the text value of metadata key {@code ?}, and how to bind the key. */
    String metadataValue() {
        return switch (this) {
            case SQLITE -> "json_extract(metadata, ?)";
            case POSTGRES -> "(metadata::jsonb ->> ?)";
        };
    }

    Object metadataKeyParameter(String key) {
        // A JSON path for SQLite, with the key quoted so dots and brackets stay part of it.
        return this == POSTGRES ? key : "$.\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** An upsert of the feed position. */
    String upsertPosition() {
        return "INSERT INTO fairway_log_feed (node, last_seq) VALUES (?, ?) ON CONFLICT (node) DO UPDATE SET"
                + " last_seq = CASE WHEN excluded.last_seq > fairway_log_feed.last_seq THEN excluded.last_seq"
                + " ELSE fairway_log_feed.last_seq END";
    }
}
