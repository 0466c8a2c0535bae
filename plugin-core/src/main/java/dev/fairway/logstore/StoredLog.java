package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * One request record as the log store holds it: the columns filters and aggregates need, plus the
 * spool line itself ({@code record}), which carries the headers, bodies and everything else exactly
 * as written (redaction already applied by the spool writer).
 *
 * @param node the gateway node (its spool) the record came from
 * @param seq its sequence number in that node's hash chain
 * @param latencyBucket {@code analytics.LatencyHistogram} bucket of {@code durationMs}
 * @param ttfbBucket bucket of {@code ttfbMs}, -1 when no byte was sent
 * @param semantic a semantic cache hit (the line's {@code cache_match}), counted apart from exact hits
 * @param feedback -1 (thumbs down), 0 or 1 (thumbs up); null when none was given
 * @param score 0..100, null when none was given
 * @param metadata a JSON object (text)
 * @param record the spool line as written (UTF-8, a JSON object; not to be modified); null in lists (only
 *     {@link LogStore#get} reads it). Bytes, not text: the feeder reads the spool as bytes and SQLite
 *     keeps them compressed, so the line is never decoded on its way into the store.
 */
public record StoredLog(
        String logId,
        String eventId,
        String node,
        long seq,
        long createdAt,
        double durationMs,
        Double ttfbMs,
        int latencyBucket,
        int ttfbBucket,
        String route,
        String provider,
        String model,
        int status,
        boolean success,
        boolean cached,
        boolean semantic,
        String errorType,
        Long tokensIn,
        Long tokensOut,
        Long tokensCached,
        Double costUsd,
        String metadata,
        Integer feedback,
        Integer score,
        byte[] record) {

    public StoredLog {
        requireNonNull(logId, "logId");
        requireNonNull(node, "node");
        requireNonNull(metadata, "metadata");
    }

    // The line is an array: equality and hash by its content, as for the other components.
    @Override
    public boolean equals(Object o) {
        return o instanceof StoredLog s && columns().equals(s.columns()) && Arrays.equals(record, s.record);
    }

    @Override
    public int hashCode() {
        return 31 * columns().hashCode() + Arrays.hashCode(record);
    }

    /** Every component but the line. */
    private List<Object> columns() {
        return Arrays.asList(logId, eventId, node, seq, createdAt, durationMs, ttfbMs, latencyBucket, ttfbBucket, route,
                provider, model, status, success, cached, semantic, errorType, tokensIn, tokensOut, tokensCached, costUsd,
                metadata, feedback, score);
    }

    @Override
    public String toString() {
        // The record may hold bodies: it stays out of every rendering but its own endpoint.
        return "StoredLog[" + logId + "]";
    }
}
