package dev.fairway.config;

import java.util.Objects;

/**
 * Which model turns a last user message into a vector, for every route's semantic cache: the
 * in-process all-MiniLM-L6-v2 by default (English; nothing leaves the process), or the
 * OpenAI-compatible embeddings operation of one of the gateway's providers, with the key and base
 * URL the gateway already holds for it (a multilingual model, a self-hosted embedding server).
 * Vectors of different models do not compare, so each model keeps its own index directory.
 */
@Doc("The model behind the semantic cache: the in-process all-MiniLM-L6-v2 unless a provider's embeddings endpoint is named.")
public record SemanticEmbedderSettings(
        @Doc("Provider slug (built in or from custom_providers, with an OpenAI-compatible embeddings operation) whose endpoint computes the vectors, using providers.<slug>'s api_key and base_url; absent: the in-process all-MiniLM-L6-v2 model. Route thresholds are the model's own scale: tune cache.semantic.threshold for it.") String provider,
        @Doc("The embedding model named in each embeddings request, such as text-embedding-3-small; required with provider.") String model,
        @Doc(value = "Path of the embeddings operation below the provider's base URL; it must be one of the provider's embeddings operations.", defaultValue = "embeddings") String path,
        @Doc(value = "Embeddings requests in flight at once, each on its own thread off the request threads; lookups beyond them and the queue answer as misses.", defaultValue = "8") Integer concurrency,
        @Doc(value = "Milliseconds an embeddings request may take; a slower or failed one makes the lookup a miss, and lookups skip the endpoint for 5 s after a failure.", defaultValue = "2000") Integer timeoutMs)
        implements Validatable {

    public SemanticEmbedderSettings {
        path = Objects.requireNonNullElse(path, "embeddings");
        concurrency = Objects.requireNonNullElse(concurrency, 8);
        timeoutMs = Objects.requireNonNullElse(timeoutMs, 2000);
    }

    public static SemanticEmbedderSettings defaults() {
        return new SemanticEmbedderSettings(null, null, null, null, null);
    }

    /** Whether a provider's endpoint computes the vectors (else the in-process model does). */
    public boolean endpoint() {
        return provider != null;
    }

    @Override
    public void validate(Problems problems) {
        if (provider == null) {
            problems.require(model == null, "model", "%s (expected: only with provider; the in-process model is all-MiniLM-L6-v2)", model);
            return;
        }
        problems.require(!provider.isBlank(), "provider", "must not be blank");
        problems.require(model != null && !model.isBlank(), "model", "required with provider %s", provider);
        problems.require(!path.startsWith("/") && !path.contains("..") && !path.contains("?") && !path.isBlank(), "path",
                "%s (expected: a path below the base URL, without a leading /, '..' or '?')", path);
        problems.require(concurrency >= 1 && concurrency <= 64, "concurrency", "%s (expected: 1..64)", concurrency);
        problems.require(timeoutMs >= 100 && timeoutMs <= 60_000, "timeout_ms", "%s (expected: 100..60000)", timeoutMs);
    }
}
