package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;

/** A stage's refusal while opening (see {@link Step#refuse}): it answers before anything else runs. */
final class Refusal implements Step {
    private final Decision.Answer answer;

    Refusal(Decision.Answer answer) {
        this.answer = requireNonNull(answer, "answer");
    }

    Decision.Answer answer() {
        return answer;
    }

    @Override
    public CompletableFuture<Verdict> beforeDispatch() {
        return CompletableFuture.completedFuture(Verdict.answer(answer));
    }
}
