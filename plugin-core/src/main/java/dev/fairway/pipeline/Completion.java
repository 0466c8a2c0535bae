package dev.fairway.pipeline;

/**
 * How an exchange ended, handed to every step once.
 *
 * @param status the status the client received
 * @param cached whether the answer came from the gateway's cache
 * @param truncated whether a streamed answer was cut after its first byte
 * @param step which target of a fallback chain answered (0 = the first)
 * @param attempts upstream attempts made, 0 when nothing went upstream
 * @param ttfbNanos time from the start to the first response byte, or -1
 * @param durationNanos time from the start to the end of the response
 * @param responseBytes body bytes sent to the client
 * @param usage tokens, or null when the answer did not report them
 * @param costUsd the cost, or null when unknown
 * @param errorType the gateway error's wire name when the gateway answered with an error, else null
 */
public record Completion(
        int status,
        boolean cached,
        boolean truncated,
        int step,
        int attempts,
        long ttfbNanos,
        long durationNanos,
        long responseBytes,
        Usage usage,
        Double costUsd,
        String errorType) {

    public boolean success() {
        return status >= 200 && status < 300 && !truncated;
    }

    /** This completion with the usage and cost the exchange's answer was metered at ({@link Metered}). */
    Completion withMetered(Usage metered, Double meteredCostUsd) {
        return new Completion(status, cached, truncated, step, attempts, ttfbNanos, durationNanos, responseBytes,
                metered, meteredCostUsd, errorType);
    }
}
