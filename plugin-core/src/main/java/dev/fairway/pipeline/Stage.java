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
}
