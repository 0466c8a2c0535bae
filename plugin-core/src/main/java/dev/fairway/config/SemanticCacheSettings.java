package dev.fairway.config;

import java.util.Objects;

/**
 * One route's semantic cache: after an exact miss, a request whose last user message means the
 * same as a stored one (and whose every other part is identical) is answered from that entry.
 * Off by default. The default threshold is the one docs/semantic-cache.md derives from the
 * evaluation set's tuning half; the held-out half must reach precision 0.98 at it.
 */
@Doc("The semantic cache of one route: a request that misses the exact cache is looked up by the meaning of its last user message.")
public record SemanticCacheSettings(
        @Doc(value = "Whether requests that miss the exact cache are looked up by meaning (needs cache.enabled or a request opting in).", defaultValue = "false") Boolean enabled,
        @Doc(value = "Cosine similarity at or above which two last user messages count as the same question; between min_threshold and max_threshold.", defaultValue = "0.85") Double threshold,
        @Doc(value = "Lowest threshold a request may choose with the fairway-cache-similarity header; a lower one is refused with a 400.", defaultValue = "0.8") Double minThreshold,
        @Doc(value = "Highest threshold a request may choose with the fairway-cache-similarity header.", defaultValue = "1.0") Double maxThreshold,
        @Doc(value = "Whether requests that offer tools (tools, functions) are looked up by meaning; a tool call depends on more than the words.", defaultValue = "false") Boolean allowTools,
        @Doc(value = "Whether requests that carry images anywhere are looked up by meaning (the image is not compared, only matched exactly in earlier turns).", defaultValue = "false") Boolean allowImages,
        @Doc(value = "Requests with a temperature above this are not looked up by meaning: the caller asked for variety.", defaultValue = "1.0") Double maxTemperature)
        implements Validatable {

    public SemanticCacheSettings {
        enabled = Objects.requireNonNullElse(enabled, false);
        threshold = Objects.requireNonNullElse(threshold, 0.85);
        minThreshold = Objects.requireNonNullElse(minThreshold, 0.8);
        maxThreshold = Objects.requireNonNullElse(maxThreshold, 1.0);
        allowTools = Objects.requireNonNullElse(allowTools, false);
        allowImages = Objects.requireNonNullElse(allowImages, false);
        maxTemperature = Objects.requireNonNullElse(maxTemperature, 1.0);
    }

    public static SemanticCacheSettings defaults() {
        return new SemanticCacheSettings(null, null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(minThreshold > 0 && minThreshold <= 1, "min_threshold", "%s (expected: > 0 and <= 1)", minThreshold);
        problems.require(maxThreshold > 0 && maxThreshold <= 1, "max_threshold", "%s (expected: > 0 and <= 1)", maxThreshold);
        problems.require(minThreshold <= maxThreshold, "max_threshold", "%s (expected: >= min_threshold %s)", maxThreshold, minThreshold);
        problems.require(threshold >= minThreshold && threshold <= maxThreshold, "threshold",
                "%s (expected: min_threshold %s..max_threshold %s)", threshold, minThreshold, maxThreshold);
        problems.require(maxTemperature >= 0, "max_temperature", "%s (expected: >= 0)", maxTemperature);
    }
}
