package dev.fairway.logstore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills the rollup and the metadata side table from the records of a store written before they
 * existed, once, when the store opens: an empty rollup beside records means they were never counted.
 */
final class Backfill {
    /** Records per flush, so that memory stays bounded however large the store. */
    private static final int CHUNK = 5_000;

    private Backfill() {}

    static void ifNeeded(Connection c, Dialect dialect) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            fill(c, dialect);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static void fill(Connection c, Dialect dialect) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (dialect == Dialect.POSTGRES) {
                // Two nodes opening one database at once: the second waits, then finds the rollup filled.
                s.execute("LOCK TABLE " + RollupDeltas.TABLE + " IN SHARE ROW EXCLUSIVE MODE");
            }
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM " + RollupDeltas.TABLE + " LIMIT 1")) {
                if (rs.next()) {
                    return;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM fairway_logs LIMIT 1")) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + JdbcLogStore.COLUMNS + " FROM fairway_logs")) {
            RollupDeltas rollup = new RollupDeltas(dialect);
            List<StoredLog> chunk = new ArrayList<>(CHUNK);
            ps.setFetchSize(CHUNK); // PostgreSQL streams instead of reading every record at once
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredLog r = Rows.read(rs, false);
                    rollup.add(r, 1);
                    chunk.add(r);
                    if (chunk.size() == CHUNK) {
                        rollup.flush(c);
                        MetaIndex.insert(c, chunk);
                        chunk.clear();
                    }
                }
            }
            rollup.flush(c);
            MetaIndex.insert(c, chunk);
        }
    }
}
