package dev.fairway.usage;

import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;

/**
 * Turns the numbers a provider reported into one {@link Usage}: input tokens always include the
 * cached ones, and {@code cachedInputTokens} is the part read from the provider's prompt cache.
 */
final class UsageMapping {
    private UsageMapping() {}

    /** The usage, or null when nothing was reported. */
    static Usage of(WireFormat format, UsageNumbers n) {
        if (n.isEmpty()) {
            return null;
        }
        return switch (format) {
            case OPENAI -> openAi(n);
            case ANTHROPIC -> anthropic(n);
            case GOOGLE -> google(n);
            case COHERE -> cohere(n);
            case BEDROCK -> bedrock(n);
            case REPLICATE -> usage(n.first("metrics.input_token_count"), n.first("metrics.output_token_count"), 0);
        };
    }

    private static Usage openAi(UsageNumbers n) {
        if (n.has("usage.prompt_tokens")) {
            // Chat completions, legacy completions and embeddings (which report no completion tokens).
            return usage(n.first("usage.prompt_tokens"), n.first("usage.completion_tokens"),
                    n.first("usage.prompt_tokens_details.cached_tokens"));
        }
        // The Responses API; the Realtime API's response.done names its details input_token_details.
        return usage(n.first("usage.input_tokens"), n.first("usage.output_tokens"),
                n.first("usage.input_tokens_details.cached_tokens", "usage.input_token_details.cached_tokens"));
    }

    private static Usage anthropic(UsageNumbers n) {
        long read = Math.max(0, n.first("usage.cache_read_input_tokens"));
        long written = Math.max(0, n.first("usage.cache_creation_input_tokens"));
        long fresh = n.first("usage.input_tokens");
        long output = n.first("usage.output_tokens");
        if (fresh < 0 && output < 0) {
            return null;
        }
        return new Usage(Math.max(0, fresh) + read + written, Math.max(0, output), read);
    }

    private static Usage google(UsageNumbers n) {
        long prompt = n.first("usageMetadata.promptTokenCount");
        long candidates = Math.max(0, n.first("usageMetadata.candidatesTokenCount"));
        // Thinking tokens are billed as output.
        long thoughts = Math.max(0, n.first("usageMetadata.thoughtsTokenCount"));
        if (prompt < 0 && candidates == 0 && thoughts == 0) {
            return null;
        }
        return usage(prompt, candidates + thoughts, n.first("usageMetadata.cachedContentTokenCount"));
    }

    private static Usage cohere(UsageNumbers n) {
        // v2 reports usage.billed_units and usage.tokens; v1 meta.billed_units. Billed units are what is charged.
        long in = n.first("usage.billed_units.input_tokens", "billed_units.input_tokens", "usage.tokens.input_tokens");
        long out = n.first("usage.billed_units.output_tokens", "billed_units.output_tokens", "usage.tokens.output_tokens");
        return usage(in, out, 0);
    }

    private static Usage bedrock(UsageNumbers n) {
        if (n.has("usage.inputTokens") || n.has("usage.outputTokens")) {
            // Converse and ConverseStream.
            return usage(n.first("usage.inputTokens"), n.first("usage.outputTokens"), n.first("usage.cacheReadInputTokens"));
        }
        if (n.has("amazon-bedrock-invocationMetrics.inputTokenCount")) {
            return usage(n.first("amazon-bedrock-invocationMetrics.inputTokenCount"),
                    n.first("amazon-bedrock-invocationMetrics.outputTokenCount"),
                    n.first("amazon-bedrock-invocationMetrics.cacheReadInputTokenCount"));
        }
        if (n.has("usage.input_tokens") || n.has("usage.output_tokens")) {
            return anthropic(n);
        }
        return openAi(n);
    }

    private static Usage usage(long in, long out, long cached) {
        if (in < 0 && out < 0) {
            return null;
        }
        return new Usage(Math.max(0, in), Math.max(0, out), Math.max(0, cached));
    }
}
