package dev.fairway.analytics;

import java.util.Map;

/**
 * One completed exchange as analytics sees it: labels already bounded, no payloads, no credentials.
 *
 * @param errorType null when the exchange succeeded
 * @param costUsd null when unknown
 * @param ttfbNanos -1 when no byte was sent
 * @param metadata {@code cf-aig-metadata} entries, values as text, pairs already bounded
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
        String logId) {

    boolean error() {
        return errorType != null;
    }

    String statusClass() {
        return (status / 100) + "xx";
    }
}
