package dev.fairway.pipeline;

/**
 * How an exchange ended, handed to every step once. Built through the named factories: which
 * fields matter depends on how the exchange ended (answered by the gateway, relayed from upstream,
 * or never sent anywhere).
 *
 * @param status the status the client received (0 when the host answered with one the gateway never sees)
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

    /** The error type of an exchange no host took up: its ticket expired, or its client left. */
    public static final String ABANDONED = "abandoned";
    /** The error type of an exchange whose client went away before anything was sent. */
    public static final String CLIENT_CLOSED = "client_closed";

    /**
     * The gateway answered itself (an error, a cache hit, a refusal) with nothing sent upstream;
     * the whole answer went out at once.
     */
    public static Completion answered(int status, boolean cached, long elapsedNanos, long responseBytes, String errorType) {
        return new Completion(status, cached, false, 0, 0, elapsedNanos, elapsedNanos, responseBytes, null, null, errorType);
    }

    /**
     * A forwarded exchange that was never relayed: the host answered the client otherwise (a
     * deadline, a refusal) or the client left. Nothing of it reached the client through the gateway.
     */
    public static Completion unsent(int status, String errorType, long elapsedNanos) {
        return new Completion(status, false, false, 0, 0, -1, elapsedNanos, 0, null, null, errorType);
    }

    /** An exchange nobody took up (an expired ticket): the client's 499. */
    public static Completion abandoned(long elapsedNanos) {
        return unsent(499, ABANDONED, elapsedNanos);
    }

    /** An exchange whose client went away before it was sent anywhere. */
    public static Completion clientClosed(long elapsedNanos) {
        return unsent(499, CLIENT_CLOSED, elapsedNanos);
    }

    /**
     * An answer relayed from upstream in full, without usage; add it with {@link #withUsage}, and an
     * error type with {@link #withError}.
     */
    public static Completion relayed(int status, int step, int attempts, long ttfbNanos, long durationNanos, long responseBytes) {
        return relayed(status, false, step, attempts, ttfbNanos, durationNanos, responseBytes, null);
    }

    /**
     * An answer relayed from upstream, {@code truncated} when it was cut after its first byte; usage
     * is the exchange's to add (its metering step read it).
     */
    public static Completion relayed(int status, boolean truncated, int step, int attempts, long ttfbNanos, long durationNanos,
                                     long responseBytes, String errorType) {
        return new Completion(status, false, truncated, step, attempts, ttfbNanos, durationNanos, responseBytes, null, null, errorType);
    }

    /** This completion with the tokens and cost the answer reported. */
    public Completion withUsage(Usage usage, Double costUsd) {
        return new Completion(status, cached, truncated, step, attempts, ttfbNanos, durationNanos, responseBytes, usage, costUsd,
                errorType);
    }

    /** This completion with the gateway error's wire name. */
    public Completion withError(String type) {
        return new Completion(status, cached, truncated, step, attempts, ttfbNanos, durationNanos, responseBytes, usage, costUsd, type);
    }

    /** The status of a WebSocket session's upgrade (a realtime session): it ran, like a 2xx answer. */
    public static final int SWITCHING_PROTOCOLS = 101;

    public boolean success() {
        return (status >= 200 && status < 300 || status == SWITCHING_PROTOCOLS) && !truncated;
    }
}
