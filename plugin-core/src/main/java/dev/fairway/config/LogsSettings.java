package dev.fairway.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

@Doc("Where request log records are kept and exported.")
public record LogsSettings(
        @Doc(value = "Directory of the append-only local spool; records stay here until exported.", defaultValue = ".fairway/spool") String spoolDir,
        @Doc(value = "When spool writes are forced to disk: always (after every batch of records), interval (at most every fsync_interval_ms) or never (left to the OS).", defaultValue = "interval") Fsync fsync,
        @Doc(value = "Milliseconds between forced writes with fsync: interval.", defaultValue = "1000") Integer fsyncIntervalMs,
        @Doc(value = "Records waiting for the spool writer; when full, records are counted as dropped and the next record says how many.", defaultValue = "65536") Integer queueCapacity,
        @Doc(value = "Bytes of records waiting for the spool writer (their payloads and about 1 KiB each), at least 65536; past it records are dropped and counted as with queue_capacity. Bounds the heap a stalled disk can take: a streamed answer's record holds tens of KB, so queue_capacity alone could outgrow the heap.", defaultValue = "a quarter of the JVM's maximum heap (32 MiB with bin/fairway's defaults)") Long queueMaxBytes,
        @Doc(value = "A spool segment is closed, and exported as one object, when it reaches this many bytes.", defaultValue = "8388608") Long segmentMaxBytes,
        @Doc(value = "... or when it is this many seconds old and holds a record.", defaultValue = "60") Integer segmentMaxAgeSeconds,
        @Doc("Export of closed segments to S3-compatible storage; records stay in the spool when left out.") ExportSettings export,
        @Doc("The log store behind GET /logs and /analytics, fed from the spool.") LogStoreSettings store)
        implements Validatable {

    /** When spool writes are forced to disk. */
    public enum Fsync {
        ALWAYS, INTERVAL, NEVER;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LogsSettings {
        spoolDir = Objects.requireNonNullElse(spoolDir, ".fairway/spool");
        fsync = Objects.requireNonNullElse(fsync, Fsync.INTERVAL);
        fsyncIntervalMs = Objects.requireNonNullElse(fsyncIntervalMs, 1000);
        queueCapacity = Objects.requireNonNullElse(queueCapacity, 65536);
        segmentMaxBytes = Objects.requireNonNullElse(segmentMaxBytes, 8L * 1024 * 1024);
        segmentMaxAgeSeconds = Objects.requireNonNullElse(segmentMaxAgeSeconds, 60);
        store = Objects.requireNonNullElseGet(store, LogStoreSettings::defaults);
    }

    /** {@code queue_max_bytes} as set, or a quarter of the heap this JVM may grow to. */
    public long queueMaxBytesOrDefault() {
        return queueMaxBytes != null ? queueMaxBytes : Runtime.getRuntime().maxMemory() / 4;
    }

    public static LogsSettings defaults() {
        return new LogsSettings(null, null, null, null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(!spoolDir.isBlank(), "spool_dir", "must not be blank");
        problems.require(fsyncIntervalMs > 0, "fsync_interval_ms", "%s (expected: > 0)", fsyncIntervalMs);
        problems.require(queueCapacity >= 16, "queue_capacity", "%s (expected: >= 16)", queueCapacity);
        problems.require(queueMaxBytes == null || queueMaxBytes >= 65536, "queue_max_bytes", "%s (expected: >= 65536)", queueMaxBytes);
        problems.require(segmentMaxBytes >= 1024, "segment_max_bytes", "%s (expected: >= 1024)", segmentMaxBytes);
        problems.require(segmentMaxAgeSeconds > 0, "segment_max_age_seconds", "%s (expected: > 0)", segmentMaxAgeSeconds);
        if (export != null) {
            export.validate(problems.at("export"));
        }
        store.validate(problems.at("store"));
    }
}
