package dev.fairway.logstore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on PostgreSQL, on a private cluster this test starts. Skipped where the server
 * is not installed, except on CI (CI=true), where that fails.
 */
class PostgresLogStoreTest extends LogStoreContract {
    static PostgresFixture pg;

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresTests.server();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    LogStore open() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), null); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS fairway_logs, fairway_log_records, fairway_log_erased, fairway_log_feed,"
                    + " fairway_log_rollup, " + RollupDeltas.TABLE + ", fairway_log_meta");
        }
        return LogStores.postgres(pg.url(), pg.user(), null, 4);
    }
}
