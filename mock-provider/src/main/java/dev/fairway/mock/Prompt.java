package dev.fairway.mock;

import java.util.List;
import java.util.Objects;

/**
 * The text a request carries, whatever its wire format: one entry per message (system prompts
 * included) and the text of the last user message, which the answer echoes.
 */
record Prompt(List<String> messageTexts, String lastUserText) {

    /** Tokens charged per message on top of its words, as real tokenizers charge for role markers. */
    static final int MESSAGE_OVERHEAD = 3;

    Prompt {
        messageTexts = List.copyOf(messageTexts);
        Objects.requireNonNull(lastUserText, "lastUserText");
    }

    /** Words across all messages plus the per-message overhead. */
    int inputTokens() {
        int tokens = 0;
        for (String text : messageTexts) {
            tokens += Words.count(text) + MESSAGE_OVERHEAD;
        }
        return tokens;
    }
}
