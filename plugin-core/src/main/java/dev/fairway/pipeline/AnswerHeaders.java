package dev.fairway.pipeline;

import dev.fairway.plan.PlannedTarget;
import java.util.function.BiConsumer;

/**
 * The response headers Cloudflare sends to say who answered (AI Gateway "Header Glossary"):
 * {@code cf-aig-step} (0 = the target requested, n = the n-th fallback or Universal step),
 * {@code cf-aig-provider} and {@code cf-aig-model}. Set for cache hits and gateway answers from the
 * requested target, and by the relay for the target that actually answered.
 */
public final class AnswerHeaders {
    private static final int MAX_MODEL = 256;

    private AnswerHeaders() {}

    public static void describe(PlannedTarget answered, BiConsumer<String, String> set) {
        set.accept("cf-aig-step", Integer.toString(answered.step()));
        set.accept("cf-aig-provider", answered.target().provider().slug());
        if (printable(answered.model())) {
            set.accept("cf-aig-model", answered.model());
        }
    }

    /** The model comes from the client's body: only a plain value of modest length becomes a header. */
    private static boolean printable(String model) {
        if (model == null || model.isEmpty() || model.length() > MAX_MODEL) {
            return false;
        }
        // A loop, not model.chars(): this runs for every answer, and a stream pipeline allocates.
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
