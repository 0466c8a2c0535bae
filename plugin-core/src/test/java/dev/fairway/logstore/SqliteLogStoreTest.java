package dev.fairway.logstore;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default. */
class SqliteLogStoreTest extends LogStoreContract {
    @TempDir
    Path dir;

    @Override
    LogStore open() {
        return LogStores.sqlite(dir.resolve("logs.db"), 4);
    }
}
