package dev.fairway.pipeline;

/**
 * Watches one upstream attempt's raw answer, before any translation or filter, so it reads what
 * the provider said in the provider's own format (usage metering). Unlike a plain
 * {@link ResponseObserver} it is opened per attempt, before the request is sent: it may ask the
 * provider for something the client did not ask for, and then hide that from the client.
 */
public interface UpstreamObserver extends ResponseObserver {
    UpstreamObserver NONE = new UpstreamObserver() {};

    /** The request to send instead of {@code planned}; most observers leave it as planned. */
    default UpstreamRequest request(UpstreamRequest planned) {
        return planned;
    }

    /**
     * The request a host sends when it cannot rewrite the body (Envoy's direct mode without a body
     * mode): only the changes that stand without a body change and without a filter on the answer,
     * a trace context. Most observers leave it as planned; one that asks the provider for more than
     * the client did (usage in a stream) must not, since nothing could hide it again.
     */
    default UpstreamRequest headersOnly(UpstreamRequest planned) {
        return planned;
    }

    /**
     * Asked once the answer's head was observed: the filter that keeps from the client what
     * {@link #request} asked for and the client did not, or null. It runs on the raw answer, before
     * translation; it never refuses.
     */
    default ResponseFilter hiding() {
        return null;
    }

    /**
     * The dispatcher decided what follows this attempt: {@code next} is {@code ACCEPT} (its answer is
     * relayed, {@link #onHeaders} follows), {@code RETRY}, {@code NEXT} (the next target) or
     * {@code STOP}. An answer that is not kept is never shown to the observer, so this is all it
     * learns of it. Arguments are constants or primitives: the hook allocates nothing.
     *
     * @param status the answer's status, 0 when none came (a timeout, a refused connection)
     * @param errorType the gateway error's wire name when none came, else null
     */
    default void onAttemptEnd(int status, String errorType, String next) {}
}
