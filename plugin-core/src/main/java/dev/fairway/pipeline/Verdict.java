package dev.fairway.pipeline;

import java.util.concurrent.CompletableFuture;

/** A step's answer before dispatch: go on, or answer the client now. */
public sealed interface Verdict {
    Proceed PROCEED = new Proceed();
    CompletableFuture<Verdict> PROCEED_NOW = CompletableFuture.completedFuture(PROCEED);

    static Verdict answer(Decision.Answer answer) {
        return new Answer(answer);
    }

    record Proceed() implements Verdict {}

    record Answer(Decision.Answer answer) implements Verdict {}
}
