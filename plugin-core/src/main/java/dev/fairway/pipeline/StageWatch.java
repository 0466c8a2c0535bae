package dev.fairway.pipeline;

/**
 * Told when each deciding stage decides for one exchange (a cache lookup, a quota check): how long
 * it took and whether it answered. A recording step offers one through {@link Step#stageWatch()}
 * (tracing does, for its child spans); without one the gateway calls nothing and allocates nothing.
 */
public interface StageWatch {
    /** A deciding stage's step is about to decide; {@code stage} is its {@link Stage#name()}. */
    Decided begin(String stage);

    /** Ends one {@link #begin}. */
    interface Decided {
        /**
         * @param answered whether the step answered the request itself (a cache hit, a refusal)
         * @param failure what the step threw, or null
         */
        void end(boolean answered, Throwable failure);
    }
}
