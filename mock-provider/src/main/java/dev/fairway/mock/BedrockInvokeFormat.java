package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;

/** Bedrock {@code .../model/{id}/invoke} for Claude models: Anthropic's request and answer body, AWS errors. */
final class BedrockInvokeFormat implements WireFormat {

    @Override
    public Prompt prompt(JsonNode body) {
        return AnthropicFormat.read(body);
    }

    @Override
    public JsonNode reply(Exchange ex) {
        return AnthropicFormat.message(ex);
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.BEDROCK;
    }
}
