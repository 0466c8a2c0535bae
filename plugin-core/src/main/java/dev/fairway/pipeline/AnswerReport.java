package dev.fairway.pipeline;

import java.util.List;

/**
 * What a provider said about its answer besides usage: the model that actually answered (an alias
 * such as {@code gpt-4o} answers as {@code gpt-4o-2024-08-06}) and why each generation stopped,
 * in the provider's own words ({@code stop}, {@code end_turn}, {@code STOP}, ...).
 *
 * @param responseModel the answering model, or null when the answer did not name it
 * @param finishReasons one reason per generation, in the order seen; empty when none was reported
 */
public record AnswerReport(String responseModel, List<String> finishReasons) {
    public static final AnswerReport NONE = new AnswerReport(null, List.of());

    public AnswerReport {
        finishReasons = List.copyOf(finishReasons);
    }
}
