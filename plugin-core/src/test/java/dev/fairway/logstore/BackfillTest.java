package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written before the rollup and the metadata side table existed (or before the semantic
 * column and the one-column histograms) gets them when it opens.
 */
class BackfillTest {
    @TempDir
    Path dir;

    @Test
    void aStoreWithoutRollupIsCountedOnceWhenItOpens() throws Exception {
        Path file = dir.resolve("logs.db");
        List<StoredLog> rows = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            rows.add(TestRows.row("b-" + i, i, LogStoreContract.T0 + i * 90_000L, i % 2 == 0 ? "chat" : "support",
                    "openai", "m1", i % 5 == 0 ? 500 : 200, 0.001 * i, 10.0 * i, "{\"user\":\"u" + (i % 3) + "\"}"));
        }
        LogFilter range = LogFilter.ALL.withTimeRange(LogStoreContract.T0, LogStoreContract.T0 + 3_600_000L);
        List<LogStore.AggregateRow> before;
        try (LogStore store = LogStores.sqlite(file, 2)) {
            store.append("node-a", 20, rows);
            before = store.aggregate(range, 600_000L, "route");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + RollupDeltas.TABLE);
            s.execute("DROP TABLE fairway_log_meta");
            // As the first release left it: no semantic column, the rollup with a column per bucket.
            s.execute("ALTER TABLE fairway_logs DROP COLUMN cache_semantic");
            s.execute("CREATE TABLE fairway_log_rollup (span BIGINT, start_at BIGINT, l0 BIGINT)");
        }
        for (int open = 0; open < 2; open++) { // the second opening must not count them again
            try (LogStore store = LogStores.sqlite(file, 2)) {
                assertThat(store.aggregate(range, 600_000L, "route")).containsExactlyInAnyOrderElementsOf(before);
                LogFilter u1 = new LogFilter(null, null, null, null, null, null, null, null, "user", "u1", null, null,
                        null, null);
                assertThat(store.list(u1, LogStore.Sort.TIME, false, null, 100).logs()).hasSize(7);
            }
        }
    }
}
