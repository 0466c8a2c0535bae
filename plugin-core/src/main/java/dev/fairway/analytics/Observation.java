package dev.fairway.analytics;

import java.util.Map;

/**
 * One completed exchange as analytics sees it: labels already bounded, no payloads, no credentials.
 *
 * @param errorType null when the exchange succeeded
 * @param costUsd null when unknown
 * @param ttfbNanos -1 when no byte was sent
 * @param metadata {@code cf-aig-metadata} entries, values as text, pairs already bounded
 * @param dimensions further group-by dimensions by name ({@link #FLOW_DIMENSIONS}), values already bounded
 * @param semantic the answer came from the semantic cache (counted apart from exact hits)
 */
record Observation(
        long epochMillis,
        String route,
        String provider,
        String model,
        int status,
        boolean cached,
        String errorType,
        long tokensIn,
        long tokensOut,
        long tokensCachedIn,
        Double costUsd,
        long durationNanos,
        long ttfbNanos,
        Map<String, String> metadata,
        String logId,
        Map<String, String> dimensions,
        boolean semantic) {

    /** What a routing flow adds: {@code group_by=flow}, {@code flow_version} ({@code name@version}), {@code flow_branch} ({@code name@version/branch}). */
    static final java.util.Set<String> FLOW_DIMENSIONS = java.util.Set.of("flow", "flow_version", "flow_branch");

    Observation(long epochMillis, String route, String provider, String model, int status, boolean cached, String errorType,
                long tokensIn, long tokensOut, long tokensCachedIn, Double costUsd, long durationNanos, long ttfbNanos,
                Map<String, String> metadata, String logId) {
        this(epochMillis, route, provider, model, status, cached, errorType, tokensIn, tokensOut, tokensCachedIn, costUsd,
                durationNanos, ttfbNanos, metadata, logId, Map.of(), false);
    }

    Observation(long epochMillis, String route, String provider, String model, int status, boolean cached, String errorType,
                long tokensIn, long tokensOut, long tokensCachedIn, Double costUsd, long durationNanos, long ttfbNanos,
                Map<String, String> metadata, String logId, Map<String, String> dimensions) {
        this(epochMillis, route, provider, model, status, cached, errorType, tokensIn, tokensOut, tokensCachedIn, costUsd,
                durationNanos, ttfbNanos, metadata, logId, dimensions, false);
    }

    /**
     * The row key of dimension {@code name}: NUL cannot start a metadata key the label caps let
     * through as itself, so these rows never mix with {@code metadata.<key>} rows.
     */
    static String dimensionKey(String name) {
        return "\u0000" + name;
    }

    boolean error() {
        return errorType != null;
    }

    String statusClass() {
        return (status / 100) + "xx";
    }
}
