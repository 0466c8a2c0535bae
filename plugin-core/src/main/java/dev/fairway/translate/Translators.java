package dev.fairway.translate;

import dev.fairway.provider.WireFormat;

/** The translator for each provider format a chat-completions client can reach. */
public final class Translators {
    private static final ChatTranslator PASSTHROUGH = new OpenAiPassthrough();
    private static final ChatTranslator ANTHROPIC = new OpenAiToAnthropic();
    private static final ChatTranslator GOOGLE = new OpenAiToGoogle();
    private static final ChatTranslator COHERE = new OpenAiToCohere();

    private Translators() {}

    /** The translator from OpenAI chat completions to {@code format}, or null when there is none. */
    public static ChatTranslator fromOpenAiChat(WireFormat format) {
        return switch (format) {
            case OPENAI -> PASSTHROUGH;
            case ANTHROPIC -> ANTHROPIC;
            case GOOGLE -> GOOGLE;
            case COHERE -> COHERE;
            default -> null;
        };
    }

    public static boolean isPassthrough(ChatTranslator t) {
        return OpenAiPassthrough.isPassthrough(t);
    }
}
