package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The log store on a SQL database through JDBC: embedded SQLite by default, PostgreSQL when several
 * gateways share one view (and DuckDB, only for the comparison in {@code StoreBench}). One class,
 * so both stores pass the same compatibility tests; the differences live in {@link Dialect}.
 */
public final class JdbcLogStore implements LogStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcLogStore.class);
    static final String COLUMNS = "log_id, event_id, node, seq, created_at, duration_ms, ttfb_ms, latency_bucket,"
            + " ttfb_bucket, route, provider, model, status, success, cached, error_type, tokens_in, tokens_out,"
            + " tokens_cached, cost_usd, metadata, feedback, score, cache_semantic";
    private final DataSource db;
    private final Dialect dialect;
    private final AutoCloseable onClose;

    private volatile boolean schemaReady;
    /**
     * SQLite has one writer at a time, and a writer that finds the lock taken sleeps in its busy
     * handler (1, 2, 5 ... 100 ms) and tries again: a feeder committing back to back under load
     * takes the lock again within microseconds, so {@code PATCH} and {@code DELETE /logs} waited
     * 50 to 330 ms each under the floor's c=32 stream load. This process's writes take turns here in
     * arrival order instead, so an API write waits for one feeder transaction at most. (Other
     * processes on the same file, a hand-over's two runners, still meet in SQLite's handler.)
     * Null for PostgreSQL, whose writers lock rows, not the database.
     */
    private final ReentrantLock writes;

    /**
     * Creates the tables when the database is reachable; else on first use (a database that is down
     * at start must not stop the gateway: the spool keeps the records until it is back).
     *
     * @param onClose closes the pool behind {@code db}
     */
    public JdbcLogStore(DataSource db, Dialect dialect, AutoCloseable onClose) {
        this.db = requireNonNull(db, "db");
        this.dialect = requireNonNull(dialect, "dialect");
        this.onClose = requireNonNull(onClose, "onClose");
        this.writes = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
        try {
            connection().close();
        } catch (SQLException | StoreException e) {
            LOG.warn("log store not reachable yet, tables are created on first use: {}", e.getMessage());
        }
    }

    private Connection connection() throws SQLException {
        Connection c = db.getConnection();
        if (!schemaReady) {
            synchronized (this) {
                if (!schemaReady) {
                    try (Statement s = c.createStatement()) {
                        for (String ddl : dialect.schema()) {
                            s.execute(ddl);
                        }
                        dialect.migrate(c);
                        Backfill.ifNeeded(c, dialect);
                    } catch (SQLException e) {
                        c.close();
                        throw e;
                    }
                    schemaReady = true;
                }
            }
        }
        return c;
    }

    public Dialect dialect() {
        return dialect;
    }

    @Override
    public int append(String node, long lastSeq, List<StoredLog> records) {
        try (Append append = openAppend(node)) {
            int added = append.add(lastSeq, records);
            append.commit();
            return added;
        }
    }

    @Override
    public Append openAppend(String node) {
        return new JdbcAppend(() -> Transaction.begin(writes, this::connection), dialect, node);
    }

    @Override
    public long position(String node) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM fairway_log_feed WHERE node = ?")) {
                ps.setString(1, node);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public LogPage list(LogFilter filter, Sort sort, boolean ascending, LogPage.Cursor after, int limit) {
        String key = switch (sort) {
            case TIME -> "created_at";
            case COST -> "COALESCE(cost_usd, -1)";
            case DURATION -> "duration_ms";
        };
        SqlFilter where = new SqlFilter(filter, dialect);
        String cmp = ascending ? ">" : "<";
        if (after != null) {
            // A row-value comparison, so the keyset index is entered at the cursor (an OR of the two
            // cases is not an index range on SQLite); time binds as an integer to match its column.
            Object value = sort == Sort.TIME ? (Object) (long) after.value() : after.value();
            where.and("(" + key + ", log_id) " + cmp + " (?, ?)", value, after.logId());
        }
        String dir = ascending ? " ASC" : " DESC";
        String sql = "SELECT " + COLUMNS + ", " + key + " AS sort_key FROM fairway_logs" + where.where
                + " ORDER BY " + key + dir + ", log_id" + dir + " LIMIT ?";
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(where.bind(ps, 1), limit + 1);
                List<StoredLog> out = new ArrayList<>();
                double lastKey = 0;
                boolean more = false;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (out.size() == limit) {
                            more = true;
                            break;
                        }
                        out.add(Rows.read(rs, false));
                        lastKey = rs.getDouble("sort_key");
                    }
                }
                LogPage.Cursor next = more ? new LogPage.Cursor(lastKey, out.get(out.size() - 1).logId()) : null;
                return new LogPage(List.copyOf(out), next);
            }
        });
    }

    @Override
    public Optional<StoredLog> get(String logId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT l.*, r.record FROM fairway_logs l"
                    + " LEFT JOIN fairway_log_records r ON r.log_id = l.log_id WHERE l.log_id = ?")) {
                ps.setString(1, logId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.read(rs, true)) : Optional.<StoredLog>empty();
                }
            }
        });
    }

    @Override
    public boolean patch(String logId, Integer feedback, Integer score, String metadataJson) {
        return tx(c -> {
            // Lock the record first (a write: on SQLite it takes the write lock before anything is
            // read, so no concurrent feed can make the read below stale), then read it as it was, so
            // the rollup moves its feedback and score from the old values to the new ones.
            try (PreparedStatement ps = c.prepareStatement("UPDATE fairway_logs SET feedback = feedback WHERE log_id = ?")) {
                ps.setString(1, logId);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            StoredLog before;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM fairway_logs WHERE log_id = ?")) {
                ps.setString(1, logId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    before = Rows.read(rs, false);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE fairway_logs SET feedback = COALESCE(?, feedback),"
                    + " score = COALESCE(?, score), metadata = COALESCE(?, metadata) WHERE log_id = ?")) {
                ps.setObject(1, feedback, java.sql.Types.INTEGER);
                ps.setObject(2, score, java.sql.Types.INTEGER);
                ps.setObject(3, metadataJson, java.sql.Types.VARCHAR);
                ps.setString(4, logId);
                ps.executeUpdate();
            }
            if (metadataJson != null) {
                MetaIndex.replace(c, logId, metadataJson);
            }
            if (feedback != null || score != null) {
                RollupDeltas rollup = new RollupDeltas(dialect);
                rollup.feedback(before, -1);
                rollup.feedback(Rows.withFeedback(before, feedback != null ? feedback : before.feedback(),
                        score != null ? score : before.score()), 1);
                rollup.flush(c);
            }
            return true;
        });
    }

    @Override
    public List<String> delete(LogFilter filter) {
        SqlFilter where = new SqlFilter(filter, dialect);
        return tx(c -> {
            List<String> ids = new ArrayList<>();
            RollupDeltas rollup = new RollupDeltas(dialect);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM fairway_logs" + where.where)) {
                where.bind(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StoredLog r = Rows.read(rs, false);
                        ids.add(r.logId());
                        rollup.add(r, -1);
                    }
                }
            }
            eraseIds(c, ids);
            rollup.flush(c);
            return ids;
        });
    }

    private void eraseIds(Connection c, List<String> ids) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement mark = c.prepareStatement(
                "INSERT INTO fairway_log_erased (log_id, erased_at) VALUES (?, ?) ON CONFLICT (log_id) DO NOTHING");
             PreparedStatement del = c.prepareStatement("DELETE FROM fairway_logs WHERE log_id = ?");
             PreparedStatement delLine = c.prepareStatement("DELETE FROM fairway_log_records WHERE log_id = ?");
             PreparedStatement delMeta = c.prepareStatement("DELETE FROM " + MetaIndex.TABLE + " WHERE log_id = ?")) {
            for (String id : ids) {
                mark.setString(1, id);
                mark.setLong(2, now);
                mark.addBatch();
                del.setString(1, id);
                del.addBatch();
                delLine.setString(1, id);
                delLine.addBatch();
                delMeta.setString(1, id);
                delMeta.addBatch();
            }
            if (!ids.isEmpty()) {
                mark.executeBatch();
                del.executeBatch();
                delLine.executeBatch();
                delMeta.executeBatch();
            }
        }
    }

    @Override
    public List<AggregateRow> aggregate(LogFilter filter, long intervalMillis, String groupBy) {
        return RollupAggregates.answers(filter, intervalMillis, groupBy)
                ? RollupAggregates.run(this, filter, intervalMillis, groupBy)
                : Aggregates.run(this, filter, intervalMillis, groupBy);
    }

    @Override
    public long count(String route) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM fairway_logs WHERE route = ?")) {
                ps.setString(1, route);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public int retain(String route, Long olderThan, Long keepNewest) {
        return Retention.apply(this, route, olderThan, keepNewest);
    }

    /** Runs {@code work} in one transaction, rolled back when it fails. */
    <T> T tx(Work<T> work) {
        try (Transaction t = Transaction.begin(writes, this::connection)) {
            T result = work.run(t.connection());
            t.commit();
            return result;
        } catch (SQLException e) {
            throw new StoreException("log store: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a read; again (up to three times) on a fresh connection while the one used was dead (the database
     * restarted since the pool handed it out: SQL state class 08, or 57P0x). Reads are idempotent.
     */
    <T> T read(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connection()) {
                return work.run(c);
            } catch (SQLException e) {
                String state = e.getSQLState();
                boolean deadConnection = state != null && (state.startsWith("08") || state.startsWith("57P0"));
                if (attempt > 3 || !deadConnection) {
                    throw new StoreException("log store: " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            onClose.close();
        } catch (Exception e) {
            throw new StoreException("cannot close the log store", e);
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }
}
