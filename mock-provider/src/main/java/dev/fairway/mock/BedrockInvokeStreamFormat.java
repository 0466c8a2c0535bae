package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Bedrock InvokeModelWithResponseStream ({@code .../model/{id}/invoke-with-response-stream}) for
 * Claude: Anthropic's stream events, each base64-encoded in the {@code bytes} field of a
 * {@code chunk} event; the last one also carries {@code amazon-bedrock-invocationMetrics}.
 */
final class BedrockInvokeStreamFormat implements StreamingFormat {

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

    @Override
    public boolean streaming(JsonNode body, String query) {
        return true;
    }

    @Override
    public String contentType(Exchange exchange) {
        return BedrockConverseStreamFormat.CONTENT_TYPE;
    }

    @Override
    public List<Frame> stream(Exchange ex) {
        List<AnthropicFormat.Event> events = AnthropicFormat.events(ex, false);
        List<Frame> frames = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            AnthropicFormat.Event e = events.get(i);
            ObjectNode data = e.data();
            if (i == events.size() - 1) {
                Answer a = ex.answer();
                data.putObject("amazon-bedrock-invocationMetrics")
                        .put("inputTokenCount", a.uncachedInputTokens())
                        .put("outputTokenCount", a.outputTokens())
                        .put("invocationLatency", 0)
                        .put("firstByteLatency", 0);
            }
            ObjectNode payload = Json.object().put("bytes", Base64.getEncoder().encodeToString(Json.bytes(data)));
            frames.add(BedrockConverseStreamFormat.event("chunk", payload, e.content()));
        }
        return frames;
    }

    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        return BedrockConverseStreamFormat.exception("modelStreamErrorException", "The model stream failed (mock error event)");
    }
}
