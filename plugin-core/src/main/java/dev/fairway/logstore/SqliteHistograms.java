package dev.fairway.logstore;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * {@code fairway_hist_add(a, b)}: the sum of two rollup histogram texts ({@link Cells#add}) as a
 * SQLite function, so a rollup upsert merges histograms in one statement as PostgreSQL does with
 * arrays. SQLite functions belong to a connection; registering one is a single native call, so it
 * is done once per rollup flush on the connection in use rather than tracked per pooled connection.
 */
final class SqliteHistograms extends Function {
    static final String NAME = "fairway_hist_add";

    private SqliteHistograms() {}

    static void register(Connection c) throws SQLException {
        Function.create(c.unwrap(SQLiteConnection.class), NAME, new SqliteHistograms(), 2, Function.FLAG_DETERMINISTIC);
    }

    @Override
    protected void xFunc() throws SQLException {
        result(Cells.add(value_text(0), value_text(1)));
    }
}
