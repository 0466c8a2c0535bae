package dev.fairway.logstore;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fairway.config.LogStoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the configured store: SQLite in a file (no set-up) or PostgreSQL through a connection pool. */
public final class LogStores {
    private LogStores() {}

    /** The default SQLite file: {@code <spool_dir>.logs.db}, one per spool (so one per node and test gateway). */
    public static Path besideSpool(Path spoolDir) {
        Path abs = spoolDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".logs.db");
    }

    /** The configured store, or null for {@code kind: none}; SQLite's file defaults to {@link #besideSpool}. */
    public static JdbcLogStore open(LogStoreSettings settings, Path spoolDir) {
        return switch (settings.kind()) {
            case "none" -> null;
            case "postgres" -> postgres(settings.url(), settings.user(),
                    settings.password() == null ? null : settings.password().reveal(), settings.poolSize());
            default -> sqlite(settings.path() != null ? Path.of(settings.path())
                    : besideSpool(spoolDir), settings.poolSize());
        };
    }

    /**
     * SQLite in write-ahead-log mode: readers never wait for the feeder's transactions; the feeder is
     * the one writer (API patches and erasures wait up to 10 s for it).
     */
    public static JdbcLogStore sqlite(Path file, int poolSize) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("logs.store.path: cannot create the directory of " + file, e);
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("fairway-log-store");
        // cache_size: 8 MiB of page cache per connection (SQLite's default is 2 MiB). It is native memory
        // (malloc), outside the Java heap and its caps, and under load the feeder's connection fills it:
        // 32 MiB here put the gateway's RSS 21 MiB higher under the floor's c=32 load
        // (docs/benchmarks.md, "Reading the figures"), against issue 22's 256 MiB. Its price may be the
        // writer's CPU: StoreBench 1000000 took 169 us per record at 8 MiB, 167 at 16, 150 at 32 (one
        // run each, load average 3; docs/architecture.md, "Log store").
        hc.setJdbcUrl("jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=10000&cache_size=-8192&wal_autocheckpoint=16384");
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            return new JdbcLogStore(ds, Dialect.SQLITE, ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    public static JdbcLogStore postgres(String url, String user, String password, int poolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("fairway-log-store");
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        // Start even when the database is down: the spool holds the records until it is back.
        hc.setInitializationFailTimeout(-1);
        hc.setConnectionTimeout(5_000);
        HikariDataSource ds = new HikariDataSource(hc);
        return new JdbcLogStore(ds, Dialect.POSTGRES, ds);
    }
}
