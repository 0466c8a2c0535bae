package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Bedrock ConverseStream ({@code .../model/{id}/converse-stream}): the Converse request, answered as
 * an AWS event stream of {@code messageStart}, {@code contentBlockDelta}..., {@code contentBlockStop},
 * {@code messageStop} and {@code metadata} (usage and latency) events.
 */
final class BedrockConverseStreamFormat implements StreamingFormat {
    static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    private final BedrockConverseFormat converse = new BedrockConverseFormat();

    @Override
    public Prompt prompt(JsonNode body) {
        return converse.prompt(body);
    }

    @Override
    public JsonNode reply(Exchange ex) {
        return converse.reply(ex);
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.BEDROCK;
    }

    /** The operation is the stream: there is no {@code stream} field to read. */
    @Override
    public boolean streaming(JsonNode body, String query) {
        return true;
    }

    @Override
    public String contentType(Exchange exchange) {
        return CONTENT_TYPE;
    }

    @Override
    public List<Frame> stream(Exchange ex) {
        Answer a = ex.answer();
        List<Frame> frames = new ArrayList<>(a.chunks().size() + 4);
        frames.add(event("messageStart", Json.object().put("role", "assistant"), false));
        for (String chunk : a.chunks()) {
            ObjectNode delta = Json.object().put("contentBlockIndex", 0);
            delta.putObject("delta").put("text", chunk);
            frames.add(event("contentBlockDelta", delta, true));
        }
        frames.add(event("contentBlockStop", Json.object().put("contentBlockIndex", 0), false));
        frames.add(event("messageStop", Json.object().put("stopReason", "end_turn"), false));
        ObjectNode metadata = Json.object();
        ObjectNode usage = metadata.putObject("usage")
                .put("inputTokens", a.uncachedInputTokens())
                .put("outputTokens", a.outputTokens())
                .put("totalTokens", a.totalTokens());
        if (a.cachedTokens() > 0) {
            usage.put("cacheReadInputTokens", a.cachedTokens()).put("cacheWriteInputTokens", 0);
        }
        metadata.putObject("metrics").put("latencyMs", 0);
        frames.add(event("metadata", metadata, false));
        return frames;
    }

    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        return exception("modelStreamErrorException", "The model stream failed (mock error event)");
    }

    static Frame event(String type, JsonNode payload, boolean content) {
        return new Frame(EventStreamMessage.event(type, Json.bytes(payload)), content);
    }

    static Frame exception(String type, String message) {
        return new Frame(EventStreamMessage.exception(type, Json.bytes(Json.object().put("message", message))), false);
    }
}
