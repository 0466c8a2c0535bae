package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Bedrock Converse ({@code .../model/{id}/converse}). As in Bedrock, {@code inputTokens} excludes
 * cache reads, which appear as {@code cacheReadInputTokens} only when there are some.
 */
final class BedrockConverseFormat implements WireFormat {

    @Override
    public Prompt prompt(JsonNode body) {
        List<String> system = new ArrayList<>();
        if (body.path("system").isArray() && !body.path("system").isEmpty()) {
            system.add(Texts.of(body.path("system")));
        }
        return Texts.chat(body.path("messages"), system, "content", "user");
    }

    @Override
    public JsonNode reply(Exchange ex) {
        Answer a = ex.answer();
        ObjectNode body = Json.object();
        ObjectNode message = body.putObject("output").putObject("message").put("role", "assistant");
        message.putArray("content").addObject().put("text", a.text());
        body.put("stopReason", "end_turn");
        ObjectNode usage = body.putObject("usage")
                .put("inputTokens", a.uncachedInputTokens())
                .put("outputTokens", a.outputTokens())
                .put("totalTokens", a.totalTokens());
        if (a.cachedTokens() > 0) {
            usage.put("cacheReadInputTokens", a.cachedTokens()).put("cacheWriteInputTokens", 0);
        }
        body.putObject("metrics").put("latencyMs", 0);
        return body;
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.BEDROCK;
    }
}
