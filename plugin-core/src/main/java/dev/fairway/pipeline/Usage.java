package dev.fairway.pipeline;

/** Tokens an answer consumed, as the provider reported them. */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
