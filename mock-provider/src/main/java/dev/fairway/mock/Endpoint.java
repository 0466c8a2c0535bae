package dev.fairway.mock;

/** The provider operations the mock answers, each with its HTTP method and wire format. */
enum Endpoint {
    OPENAI_CHAT("POST", new OpenAiChatFormat()),
    MISTRAL_CHAT("POST", new MistralChatFormat()),
    OPENAI_RESPONSES("POST", new OpenAiResponsesFormat()),
    OPENAI_EMBEDDINGS("POST", new EmbeddingsFormat()),
    ANTHROPIC_MESSAGES("POST", new AnthropicFormat()),
    GOOGLE_GENERATE("POST", new GoogleFormat(false)),
    GOOGLE_STREAM("POST", new GoogleFormat(true)),
    COHERE_CHAT("POST", new CohereFormat()),
    BEDROCK_INVOKE("POST", new BedrockInvokeFormat()),
    BEDROCK_CONVERSE("POST", new BedrockConverseFormat()),
    BEDROCK_INVOKE_STREAM("POST", new BedrockInvokeStreamFormat()),
    BEDROCK_CONVERSE_STREAM("POST", new BedrockConverseStreamFormat()),
    MODEL_LIST("GET", new ModelListFormat());

    private final String method;
    private final WireFormat format;

    Endpoint(String method, WireFormat format) {
        this.method = method;
        this.format = format;
    }

    String method() {
        return method;
    }

    WireFormat format() {
        return format;
    }

    /** Whether requests carry a JSON body to parse. */
    boolean hasBody() {
        return method.equals("POST");
    }
}
