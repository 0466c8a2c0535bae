package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default. */
class SqliteLogStoreTest extends LogStoreContract {
    @TempDir
    Path dir;

    @Override
    LogStore open() {
        return LogStores.sqlite(dir.resolve("logs.db"), 4);
    }

    /**
     * SQLite has one writer at a time. A writer that found the feeder's transaction in the way slept in
     * SQLite's busy handler while the feeder, committing back to back under load, took the lock
     * again each time: PATCH /logs waited 50 to 330 ms under the floor's stream load.
     */
    @Test
    void aPatchWaitsForOneAppendAtMostWhileAnotherThreadAppendsBackToBack() throws Exception {
        try (LogStore store = LogStores.sqlite(dir.resolve("turns.db"), 4)) {
            store.append("node-a", 1, List.of(row("target", 1)));
            // The pool's second connection is opened now, not while the appends run.
            assertThat(store.patch("target", 0, null, null)).isTrue();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong appends = new AtomicLong();
            Thread feeder = Thread.ofPlatform().name("back-to-back").start(() -> {
                long seq = 2;
                while (!stop.get()) {
                    List<StoredLog> rows = new ArrayList<>();
                    for (int i = 0; i < 20; i++, seq++) {
                        rows.add(row("r" + seq, seq));
                    }
                    store.append("node-a", seq - 1, rows);
                    appends.incrementAndGet();
                }
            });
            try {
                StoreFeederTest.await("appends under way", () -> appends.get() >= 5);
                // Each patch waits for the append in progress, and maybe one that took the lock before the
                // patch asked for it; a patch thread preempted before it asks lets a few more pass. Without
                // turns, one patch waited through hundreds.
                List<Long> passed = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    long before = appends.get();
                    assertThat(store.patch("target", 1, 80 + i, null)).isTrue();
                    passed.add(appends.get() - before);
                }
                assertThat(passed.stream().mapToLong(Long::longValue).sum())
                        .as("appends committed while each of five patches waited: %s", passed).isLessThanOrEqualTo(25);
            } finally {
                stop.set(true);
                feeder.join();
            }
            assertThat(store.get("target").orElseThrow().score()).isEqualTo(84);
        }
    }

    /**
     * Every index of the records table takes a new record where the keys of records arriving in time
     * order go: an index keyed by cost or duration took each at a random place, a page written per
     * record at every commit once the index outgrew a transaction (Dialect's schema says how much).
     */
    @Test
    void noIndexOfTheRecordsTableIsKeyedByCostOrDuration() throws Exception {
        try (LogStore store = open(); Connection c = connect(dir.resolve("logs.db"))) {
            List<String> indexed = indexedColumns(c);
            assertThat(indexed).isNotEmpty().noneMatch(col -> col.contains("cost_usd") || col.contains("duration_ms"));
        }
    }

    /** The failed requests analytics lists, newest first, are read in index order, not sorted. */
    @Test
    void failedRecordsNewestFirstAreReadInIndexOrder() throws Exception {
        try (LogStore store = open(); Connection c = connect(dir.resolve("logs.db"))) {
            store.append("node-a", 1, List.of(row("r1", 1)));
            String plan = plan(c, "SELECT log_id FROM fairway_logs WHERE success = 0 ORDER BY created_at DESC, log_id DESC LIMIT 11");
            assertThat(plan).contains("fairway_logs_success_time_id").doesNotContain("TEMP B-TREE");
        }
    }

    /** A store made before: its cost and duration indexes are dropped when it is opened, its records kept. */
    @Test
    void openingAStoreMadeBeforeDropsItsCostAndDurationIndexes() throws Exception {
        Path db = dir.resolve("old.db");
        try (LogStore store = LogStores.sqlite(db, 2)) {
            store.append("node-a", 1, List.of(row("r1", 1)));
        }
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX IF NOT EXISTS fairway_logs_cost_id ON fairway_logs ((COALESCE(cost_usd, -1)), log_id)");
            s.execute("CREATE INDEX IF NOT EXISTS fairway_logs_success_duration_id ON fairway_logs (success, duration_ms, log_id)");
        }
        try (LogStore store = LogStores.sqlite(db, 2); Connection c = connect(db)) {
            assertThat(indexedColumns(c)).noneMatch(col -> col.contains("cost_usd") || col.contains("duration_ms"));
            assertThat(store.get("r1")).isPresent();
            assertThat(store.list(LogFilter.ALL, LogStore.Sort.DURATION, false, null, 5).logs())
                    .extracting(StoredLog::logId).containsExactly("r1");
        }
    }

    private static Connection connect(Path db) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    /** Each index of fairway_logs as "name: its SQL". */
    private static List<String> indexedColumns(Connection c) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'fairway_logs'")) {
            while (rs.next()) {
                out.add(rs.getString(1) + ": " + rs.getString(2));
            }
        }
        return out;
    }

    private static String plan(Connection c, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
                out.append(rs.getString("detail")).append('\n');
            }
        }
        return out.toString();
    }

    private static StoredLog row(String id, long seq) {
        return TestRows.row(id, seq, T0 + seq, "chat", "openai", "gpt-4o-mini", 200, 0.001, 5, "{}");
    }
}
