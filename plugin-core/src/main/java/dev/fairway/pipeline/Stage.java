package dev.fairway.pipeline;

/**
 * One concern of the request path (guardrails, quotas, cache, analytics, logging), built once per
 * process. Stages run in the order the gateway lists them; each opens a {@link Step} per exchange.
 */
public interface Stage {
    /** A short name for logs and metrics: {@code cache}, {@code quota}. */
    String name();

    /**
     * This stage's step for {@code exchange}, or {@link Step#NONE} when it has nothing to do there, or
     * {@link Step#refuse} to answer at once. Refusals are returned, never thrown: an exception here is
     * a fault, answered 500 with the log id.
     */
    Step open(Exchange exchange);

    /**
     * Whether this stage only records how exchanges ended (analytics, logs) and never answers nor
     * changes one. Such a stage is opened for every exchange as it opens, before authentication, so
     * every ending (a 401, a 403, an answer) is counted and logged; its step may find no plan there.
     */
    default boolean recordsOnly() {
        return false;
    }
}
