package dev.fairway.log;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.LoggingSettings;
import dev.fairway.config.LogsSettings;
import dev.fairway.log.export.S3Exporter;
import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolWriter;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Request logs: one record per request, written to the durable spool and exported to S3-compatible
 * storage when configured. Registered last among the stages, so its record sees what every other
 * step did (cache status, quota refusal, usage and cost).
 */
public final class LogStage implements Stage, AutoCloseable {
    private final Spool spool;
    private final SpoolWriter writer;
    private final S3Exporter exporter;

    private LogStage(Spool spool, SpoolWriter writer, S3Exporter exporter) {
        this.spool = spool;
        this.writer = writer;
        this.exporter = exporter;
    }

    /** Opens the spool, starts the writer and, when configured, the exporter. */
    public static LogStage start(LogsSettings settings) {
        return start(settings, Clock.systemUTC(), S3Exporter.Sleeper.REAL);
    }

    /** As {@link #start(LogsSettings)} with a clock and a retry sleeper of the caller's choosing (tests). */
    public static LogStage start(LogsSettings settings, Clock clock, S3Exporter.Sleeper sleeper) {
        return start(settings, clock, sleeper, Duration.ZERO);
    }

    /**
     * As {@link #start(LogsSettings)}, for a process that may start while its predecessor drains:
     * instead of refusing a spool that process holds, waits up to {@code spoolLockWait} for it
     * ({@link Spool#awaitOwnership}).
     */
    public static LogStage start(LogsSettings settings, Duration spoolLockWait) {
        return start(settings, Clock.systemUTC(), S3Exporter.Sleeper.REAL, spoolLockWait);
    }

    static LogStage start(LogsSettings settings, Clock clock, S3Exporter.Sleeper sleeper, Duration spoolLockWait) {
        requireNonNull(settings, "settings");
        Spool spool;
        try {
            spool = Spool.open(Path.of(settings.spoolDir()), settings.segmentMaxBytes(),
                    settings.segmentMaxAgeSeconds() * 1000L, clock, spoolLockWait);
        } catch (IOException e) {
            throw new UncheckedIOException("logs.spool_dir: cannot open " + settings.spoolDir() + " (" + e.getMessage() + ")", e);
        }
        S3Exporter exporter = settings.export() == null ? null
                : S3Exporter.start(spool, settings.export(), clock, sleeper);
        SpoolWriter writer = new SpoolWriter(spool, settings.queueCapacity(), settings.queueMaxBytesOrDefault(),
                SpoolWriter.Fsync.valueOf(settings.fsync().name()), settings.fsyncIntervalMs(), clock,
                exporter == null ? () -> { } : exporter::wake);
        return new LogStage(spool, writer, exporter);
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public boolean recordsOnly() {
        return true;
    }

    @Override
    public Step open(Exchange exchange) {
        LoggingSettings settings = exchange.route().logging();
        LogChoice choice = LogChoice.of(exchange, settings);
        return choice.write() ? new LogStep(exchange, settings, writer, choice.payloads()) : Step.NONE;
    }

    /**
     * Appends the host gateway's view of a finished request (Kong's route, consumer, latencies) to
     * the log, naming the record it annotates. Values must be strings, numbers or booleans and must
     * not be secrets. Never blocks: a full queue drops the note and counts it.
     */
    public void note(String annotatedLogId, String host, Map<String, Object> fields) {
        writer.submit(HostNote.of(requireNonNull(annotatedLogId, "annotatedLogId"), requireNonNull(host, "host"),
                requireNonNull(fields, "fields")));
    }

    /**
     * Records an erasure in the hash chain ({@link Tombstone}): completes once the tombstone is on
     * disk, so an erasure the API confirmed is never lost. A full queue drops it like any record, and
     * the next record then carries {@code dropped_before}.
     */
    public CompletableFuture<Void> tombstone(java.util.List<String> erasedLogIds, String filter) {
        return writer.submitDurable(Tombstone.of(requireNonNull(erasedLogIds, "erasedLogIds"), requireNonNull(filter, "filter")));
    }

    /** The sequence number of the last record appended to the spool. */
    public long headSeq() {
        return spool.head() == null ? 0 : spool.head().seq();
    }

    /** The spool directory the log store is fed from. */
    public Path spoolDir() {
        return spool.dir();
    }

    /** Counters for metrics: records written, dropped (queue full), failed, queued, and the exporter's. */
    public LogStats stats() {
        return new LogStats(writer.written(), writer.dropped(), writer.failed(), writer.queued(), writer.queuedBytes(),
                exporter == null ? 0 : exporter.exportedObjects(),
                exporter == null ? 0 : exporter.failures(),
                exporter == null ? 0 : exporter.backlogSegments());
    }

    /**
     * Completes when every record of a finished request is on disk; with {@code export}, the active
     * segment is closed and handed to the exporter too.
     */
    public CompletableFuture<Void> flush(boolean export) {
        return writer.flush(export);
    }

    SpoolWriter writer() {
        return writer;
    }

    /** The exporter, or null when export is not configured. */
    public S3Exporter exporter() {
        return exporter;
    }

    @Override
    public void close() {
        // Writer first: what is queued reaches the spool; then the exporter stops (what it did not
        // send stays in the spool for the next start); the spool last.
        writer.close();
        if (exporter != null) {
            exporter.close();
        }
        spool.close();
    }

    /** A snapshot of the log pipeline's counters. */
    public record LogStats(long written, long dropped, long failed, int queued, long queuedBytes, long exportedObjects,
                           long exportFailures, int exportBacklogSegments) {}
}
