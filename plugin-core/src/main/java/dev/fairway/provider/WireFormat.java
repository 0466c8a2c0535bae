package dev.fairway.provider;

/** The API family a provider speaks; usage extraction and translation key on it. */
public enum WireFormat {
    OPENAI, ANTHROPIC, GOOGLE, COHERE, BEDROCK, REPLICATE;

    public static WireFormat fromConfig(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
