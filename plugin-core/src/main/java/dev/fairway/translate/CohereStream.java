package dev.fairway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.pipeline.Usage;
import dev.fairway.sse.SseEvent;
import java.io.ByteArrayOutputStream;

/**
 * Cohere v2 chat stream events as OpenAI chunks: message-start opens the assistant turn,
 * content-delta and tool-call deltas become content and tool_calls deltas, message-end carries the
 * finish reason and usage (a usage chunk when asked for) and ends with {@code [DONE]}; a
 * message-end whose finish reason is ERROR becomes an error event.
 */
final class CohereStream extends SseStreamTranslator {
    private final String requestedModel;
    private final boolean includeUsage;
    private OpenAiChunks chunks;
    private int toolIndex = -1;
    private boolean done;

    CohereStream(String requestedModel, boolean includeUsage) {
        this.requestedModel = requestedModel;
        this.includeUsage = includeUsage;
    }

    @Override
    void translate(SseEvent event, ByteArrayOutputStream out) {
        JsonNode data = Json.parse(event.data());
        if (data == null || done) {
            return;
        }
        JsonNode message = data.path("delta").path("message");
        switch (data.path("type").asText(event.name() == null ? "" : event.name())) {
            case "message-start" -> {
                chunks = new OpenAiChunks(data.path("id").asText("msg_unknown"), requestedModel, Clock.seconds());
                out.writeBytes(chunks.delta(Json.object().put("role", "assistant").put("content", ""), null));
            }
            case "content-delta" -> out.writeBytes(opened().delta(Json.object().put("content",
                    message.path("content").path("text").asText()), null));
            case "tool-call-start" -> {
                toolIndex++;
                JsonNode call = message.path("tool_calls");
                ObjectNode delta = Json.object();
                delta.set("tool_calls", OpenAiChunks.single(OpenAiChunks.toolCall(toolIndex, call.path("id").asText(),
                        call.path("function").path("name").asText(), call.path("function").path("arguments").asText(""))));
                out.writeBytes(opened().delta(delta, null));
            }
            case "tool-call-delta" -> {
                ObjectNode delta = Json.object();
                delta.set("tool_calls", OpenAiChunks.single(OpenAiChunks.toolCall(Math.max(toolIndex, 0), null, null,
                        message.path("tool_calls").path("function").path("arguments").asText(""))));
                out.writeBytes(opened().delta(delta, null));
            }
            case "message-end" -> end(data.path("delta"), out);
            default -> { } // content-start/end, tool-plan and citation events have no chat-completions form
        }
    }

    private void end(JsonNode delta, ByteArrayOutputStream out) {
        done = true;
        String reason = delta.path("finish_reason").asText(null);
        if ("ERROR".equals(reason)) {
            out.writeBytes(OpenAiChunks.errorEvent(delta.path("error").asText("the provider reported an error"), "upstream_error"));
            return;
        }
        String finish = OpenAiToCohere.finishReason(reason);
        out.writeBytes(opened().delta(Json.object(), finish == null ? "stop" : finish));
        Usage usage = OpenAiToCohere.usage(delta.path("usage"));
        if (includeUsage) {
            out.writeBytes(opened().usageChunk(usage == null ? Usage.NONE : usage));
        }
        out.writeBytes(OpenAiChunks.done());
    }

    private OpenAiChunks opened() {
        if (chunks == null) {
            chunks = new OpenAiChunks("msg_unknown", requestedModel, Clock.seconds());
        }
        return chunks;
    }
}
