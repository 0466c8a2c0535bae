package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

    private static StoredLog row(String id, long seq) {
        return TestRows.row(id, seq, T0 + seq, "chat", "openai", "gpt-4o-mini", 200, 0.001, 5, "{}");
    }
}
