package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

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
 * @param record the spool line; null in lists (only {@link LogStore#get} reads it)
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
        String record) {

    public StoredLog {
        requireNonNull(logId, "logId");
        requireNonNull(node, "node");
        requireNonNull(metadata, "metadata");
    }

    @Override
    public String toString() {
        // The record may hold bodies: it stays out of every rendering but its own endpoint.
        return "StoredLog[" + logId + "]";
    }
}
