package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link LogStore.Append} on {@link JdbcLogStore}: one {@link Transaction}, begun by the first
 * {@link #add}, that the adds fill and {@link #commit} ends. Its analytics rollup is gathered over
 * the whole transaction and written once, at the commit, as are the pages of the indexes the adds
 * share: that is what a transaction costs whatever it holds.
 */
final class JdbcAppend implements LogStore.Append {
    // One row per statement, VALUES not SELECT: SQLite keeps a statement journal for a statement that
    // may write several rows, and in a transaction of 500 appends to the same pages of the indexes
    // that journal (spilled to a temporary file) was most of an append's cost (docs/benchmarks.md,
    // "Log store"). The erased ids are therefore looked up apart, in the same transaction.
    private static final String INSERT = "INSERT INTO fairway_logs (" + JdbcLogStore.COLUMNS + ") VALUES ("
            + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (log_id) DO NOTHING";
    private static final String INSERT_RECORD = "INSERT INTO fairway_log_records (log_id, record) VALUES (?, ?)"
            + " ON CONFLICT (log_id) DO NOTHING";
    /**
     * Ids one lookup of erased ids binds; a shorter chunk is padded with NULL, which matches nothing.
     * A feeder that keeps up adds three or four streamed records at a time, so the last chunk of an
     * add binds {@link #ERASED_SHORT_CHUNK} when that holds the rest. The lookups were a tenth of
     * the feeder's CPU under the floor's stream load, most of it binding and probing 64 ids for four.
     */
    private static final int ERASED_CHUNK = 64;
    private static final int ERASED_SHORT_CHUNK = 8;
    private static final String ERASED = erasedLookup(ERASED_CHUNK);
    private static final String ERASED_SHORT = erasedLookup(ERASED_SHORT_CHUNK);

    /** How the store begins its write transactions. */
    @FunctionalInterface
    interface Begin {
        Transaction begin() throws SQLException;
    }

    private final Begin begin;
    private final Dialect dialect;
    private final String node;
    private final RollupDeltas rollup;
    private final RecordCodec codec;
    /**
     * The transaction's statements, each prepared once, by its SQL (a handful of constants): a
     * feeder that keeps up adds a few records at a time, and preparing six statements for each add
     * was a seventh of its CPU.
     */
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Transaction tx;
    private long lastSeq = Long.MIN_VALUE;
    private boolean ended;

    JdbcAppend(Begin begin, Dialect dialect, String node) {
        this.begin = requireNonNull(begin, "begin");
        this.dialect = requireNonNull(dialect, "dialect");
        this.node = requireNonNull(node, "node");
        this.rollup = new RollupDeltas(dialect);
        this.codec = new RecordCodec(dialect);
    }

    @Override
    public int add(long lastSeq, List<StoredLog> records) {
        if (ended) {
            throw new IllegalStateException("append: already committed or closed");
        }
        try {
            if (tx == null) {
                tx = begin.begin();
                // The position first: a write, so on SQLite the transaction holds the write lock
                // before the erased ids are read, and no erasure committed meanwhile can be missed
                // (or fail the upgrade). The commit writes the last one.
                upsertPosition(lastSeq);
            }
            this.lastSeq = Math.max(this.lastSeq, lastSeq);
            return insert(records);
        } catch (SQLException | RuntimeException e) {
            throw failed(e);
        }
    }

    private void upsertPosition(long seq) throws SQLException {
        PreparedStatement ps = statement(dialect.upsertPosition());
        ps.setString(1, node);
        ps.setLong(2, seq);
        ps.executeUpdate();
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = tx.connection().prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private int insert(List<StoredLog> records) throws SQLException {
        if (records.isEmpty()) {
            return 0;
        }
        int added = 0;
        List<StoredLog> candidates = notErased(records);
        PreparedStatement ps = statement(INSERT);
        PreparedStatement line = statement(INSERT_RECORD);
        for (StoredLog r : candidates) {
            Rows.bind(ps, r);
            ps.addBatch();
        }
        int[] inserted = candidates.isEmpty() ? new int[0] : ps.executeBatch();
        List<StoredLog> fresh = new ArrayList<>(inserted.length);
        for (int i = 0; i < inserted.length; i++) {
            if (inserted[i] == Statement.SUCCESS_NO_INFO) {
                // Without per-row counts a replayed record would be counted twice.
                throw new SQLException("the driver did not report which records were inserted");
            }
            if (inserted[i] > 0) {
                added++;
                // Only records actually inserted count: a replay or an erased id adds nothing.
                rollup.add(candidates.get(i), 1);
                fresh.add(candidates.get(i));
            }
        }
        // A replayed record's line is stored already: it is neither encoded nor written again.
        for (StoredLog r : fresh) {
            Rows.bindRecord(line, r, codec);
            line.addBatch();
        }
        if (!fresh.isEmpty()) {
            line.executeBatch();
        }
        MetaIndex.insert(statement(MetaIndex.INSERT), fresh);
        return added;
    }

    /**
     * {@code records} without those whose id was erased (a replay of the spool must not bring them back).
     * One query per {@link #ERASED_CHUNK} ids, not one per record: a point query per record through
     * JDBC was a twentieth of an append's CPU.
     */
    private List<StoredLog> notErased(List<StoredLog> records) throws SQLException {
        Set<String> erased = new HashSet<>();
        for (int from = 0; from < records.size(); ) {
            int chunk = records.size() - from <= ERASED_SHORT_CHUNK ? ERASED_SHORT_CHUNK : ERASED_CHUNK;
            PreparedStatement ps = statement(chunk == ERASED_CHUNK ? ERASED : ERASED_SHORT);
            for (int i = 0; i < chunk; i++) {
                ps.setString(i + 1, from + i < records.size() ? records.get(from + i).logId() : null);
            }
            from += chunk;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    erased.add(rs.getString(1));
                }
            }
        }
        List<StoredLog> out = new ArrayList<>(records.size());
        for (StoredLog r : records) {
            if (!erased.contains(r.logId())) {
                out.add(r);
            }
        }
        return out;
    }

    private static String erasedLookup(int ids) {
        return "SELECT log_id FROM fairway_log_erased WHERE log_id IN (" + "?, ".repeat(ids - 1) + "?)";
    }

    @Override
    public void commit() {
        if (ended) {
            throw new IllegalStateException("append: already committed or closed");
        }
        if (tx == null) {
            ended = true;
            return;
        }
        try {
            upsertPosition(lastSeq);
            // Closed before the rollup: SQLite registers its histogram function on the connection
            // (RollupDeltas), which it refuses while a statement of the connection is active.
            closeStatements();
            rollup.flush(tx.connection());
            tx.commit();
            end(null);
        } catch (SQLException | RuntimeException e) {
            throw failed(e);
        }
    }

    /** Rolls back after {@code e} and says what failed. */
    private RuntimeException failed(Exception e) {
        end(e);
        return e instanceof SQLException sql ? new StoreException("log store: " + sql.getMessage(), sql) : (RuntimeException) e;
    }

    @Override
    public void close() {
        if (!ended) {
            end(null);
        }
    }

    /**
     * Ends the transaction (rolled back unless committed), its statements closed first; a failure to
     * end it is added to {@code cause}, else thrown.
     */
    private void end(Exception cause) {
        ended = true;
        if (tx == null) {
            return;
        }
        try (Transaction t = tx) {
            closeStatements();
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            } else {
                throw new StoreException("log store: " + e.getMessage(), e);
            }
        } finally {
            tx = null;
        }
    }

    private void closeStatements() throws SQLException {
        try {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        } finally {
            statements.clear();
        }
    }
}
