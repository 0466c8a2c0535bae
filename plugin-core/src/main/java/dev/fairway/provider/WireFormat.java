package dev.fairway.provider;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The API family a provider speaks; usage extraction and translation key on it. */
public enum WireFormat {
    OPENAI, ANTHROPIC, GOOGLE, COHERE, BEDROCK, REPLICATE;

    @JsonCreator
    public static WireFormat fromConfig(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
