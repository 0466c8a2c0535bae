package dev.fairway.config;

import java.util.Objects;

@Doc("The log store behind GET /logs and /analytics, fed from the spool: embedded SQLite by default (no set-up), PostgreSQL for one view across several gateway nodes.")
public record LogStoreSettings(
        @OneOf({"sqlite", "postgres", "none"})
        @Doc(value = "sqlite (a file beside the spool), postgres (url, user, password) or none (no Logs API; analytics in memory).", defaultValue = "sqlite") String kind,
        @Doc(value = "SQLite database file.", defaultValue = "<spool_dir>.logs.db (.fairway/spool.logs.db)") String path,
        @Doc("PostgreSQL JDBC URL, e.g. jdbc:postgresql://db:5432/fairway; required with kind: postgres.") String url,
        @Doc("PostgreSQL user.") String user,
        @Doc("PostgreSQL password.") Secret password,
        @Between(min = 1, max = 64)
        @Doc(value = "Database connections in the pool.", defaultValue = "4") Integer poolSize,
        @Between(min = 1, max = 10_000)
        @Doc(value = "Most records stored per transaction; a transaction also ends once it holds 4 MiB of record lines or has been open 100 ms, and before the feeder pauses. Lines are inserted 256 KiB at a time and then let go, so a backlog of large records is not held long enough to be promoted in the heap.", defaultValue = "500") Integer batchSize,
        @Between(min = 1, max = 100)
        @Doc(value = "How the feeder from the spool to the store gives way to requests while less than " + LogStoreSettings.FEED_BACKLOG_MIB + " MiB of the spool is unread (past that it runs at full speed): on Linux with JDK 22+ it then waits before each short step for a CPU no request wants (a helper thread in the idle scheduling class, SCHED_IDLE, tells it when), and this budget does not apply; elsewhere it uses at most this percent of one core, pausing beyond it. Either way the store lags behind the spool (which keeps every record) until a peak has passed. 100: never give way.", defaultValue = "25") Integer feedCpuPercent,
        @Doc(value = "This node's name in the store (its feed position is kept under it); must differ between nodes sharing a PostgreSQL.", defaultValue = "host name and absolute spool directory") String node)
        implements Validatable {

    /**
     * Unread spool (MiB) beyond which the feeder ignores feed_cpu_percent: about 20 s of 1,000
     * streamed answers a second, so a peak is absorbed, a lasting overload is not left to grow.
     */
    public static final int FEED_BACKLOG_MIB = 256;

    public LogStoreSettings {
        kind = Objects.requireNonNullElse(kind, "sqlite");
        poolSize = Objects.requireNonNullElse(poolSize, 4);
        batchSize = Objects.requireNonNullElse(batchSize, 500);
        feedCpuPercent = Objects.requireNonNullElse(feedCpuPercent, 25);
    }

    public static LogStoreSettings defaults() {
        return new LogStoreSettings(null, null, null, null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        if ("postgres".equals(kind)) {
            problems.require(url != null && url.startsWith("jdbc:postgresql:"), "url",
                    "%s (expected: jdbc:postgresql://host:port/database with kind: postgres)", url);
        }
        problems.require(path == null || !path.isBlank(), "path", "must not be blank");
    }
}
