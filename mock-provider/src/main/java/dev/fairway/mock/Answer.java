package dev.fairway.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The deterministic answer to a prompt, already split into stream chunks, with its token counts.
 * Streaming and non-streaming replies are both rendered from this, so their text and usage agree.
 */
record Answer(List<String> chunks, int inputTokens, int outputTokens, int cachedTokens) {

    static final String PREFIX = "Echo:";
    /** Used to pad when the user said nothing, so padding always has a word to repeat. */
    private static final String FILLER = "echo";

    Answer {
        chunks = List.copyOf(chunks);
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("an answer has at least one chunk");
        }
    }

    /**
     * "Echo: " and the last user message's words; when that is fewer words than chunks, the user's
     * words are repeated until every chunk gets one. Cached tokens are capped at the input tokens.
     */
    static Answer to(Prompt prompt, int chunkCount, int cachedTokens) {
        Objects.requireNonNull(prompt, "prompt");
        if (chunkCount < 1) {
            throw new IllegalArgumentException("chunkCount must be >= 1, got " + chunkCount);
        }
        List<String> userWords = Words.split(prompt.lastUserText());
        List<String> pad = userWords.isEmpty() ? List.of(FILLER) : userWords;
        List<String> words = new ArrayList<>(userWords.size() + 1);
        words.add(PREFIX);
        words.addAll(userWords);
        for (int i = 0; words.size() < chunkCount; i++) {
            words.add(pad.get(i % pad.size()));
        }
        int inputTokens = prompt.inputTokens();
        return new Answer(split(words, chunkCount), inputTokens, words.size(),
                Math.min(Math.max(cachedTokens, 0), inputTokens));
    }

    /** Spreads the words evenly; every chunk but the first starts with the space that joins it. */
    private static List<String> split(List<String> words, int chunkCount) {
        List<String> chunks = new ArrayList<>(chunkCount);
        int n = words.size();
        for (int c = 0; c < chunkCount; c++) {
            int from = (int) ((long) c * n / chunkCount);
            int to = (int) ((long) (c + 1) * n / chunkCount);
            String joined = String.join(" ", words.subList(from, to));
            chunks.add(c == 0 ? joined : " " + joined);
        }
        return chunks;
    }

    String text() {
        return String.join("", chunks);
    }

    /** Input tokens not served from the cache (Anthropic and Bedrock report these separately). */
    int uncachedInputTokens() {
        return inputTokens - cachedTokens;
    }

    int totalTokens() {
        return inputTokens + outputTokens;
    }
}
