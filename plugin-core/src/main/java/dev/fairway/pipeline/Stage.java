package dev.fairway.pipeline;

/**
 * One concern of the request path (authentication, policy, quotas, cache, logging), built once per
 * process. Stages run in the order the gateway lists them; each opens a {@link Step} per exchange.
 */
public interface Stage {
    /** A short name for logs and metrics: {@code cache}, {@code quota}. */
    String name();

    /** This stage's step for {@code exchange}, or {@link Step#NONE} when it has nothing to do there. */
    Step open(Exchange exchange);

    /**
     * Whether this stage only records how exchanges ended (analytics, logs) and never answers nor
     * changes one. Such stages are still opened for an exchange an earlier stage refused while
     * opening (a 401, a 403), so refusals are counted and logged like every other answer.
     */
    default boolean recordsOnly() {
        return false;
    }
}
