package dev.fairway.logstore;

/**
 * What {@code GET /logs}, {@code DELETE /logs} and retention select; null fields do not filter.
 * Times are epoch milliseconds, [from, to).
 */
public record LogFilter(
        Long from,
        Long to,
        String route,
        String provider,
        String model,
        Integer status,
        Boolean success,
        Boolean cached,
        String metaKey,
        String metaValue,
        String logId,
        String eventId,
        Double minCost,
        Double minDurationMs) {

    public static final LogFilter ALL = new LogFilter(null, null, null, null, null, null, null, null, null, null, null,
            null, null, null);

    /** Whether nothing narrows the selection (a DELETE refuses that). */
    public boolean isEmpty() {
        return equals(ALL);
    }

    public static LogFilter route(String route) {
        return new LogFilter(null, null, route, null, null, null, null, null, null, null, null, null, null, null);
    }

    public LogFilter withTimeRange(Long from, Long to) {
        return new LogFilter(from, to, route, provider, model, status, success, cached, metaKey, metaValue, logId,
                eventId, minCost, minDurationMs);
    }
}
