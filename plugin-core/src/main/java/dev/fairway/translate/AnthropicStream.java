package dev.fairway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.pipeline.Usage;
import dev.fairway.sse.SseEvent;
import java.io.ByteArrayOutputStream;

/**
 * Anthropic's message events as OpenAI chunks: message_start opens the assistant turn, text and
 * tool-input deltas become content and tool_calls deltas, message_delta carries the finish reason
 * and output tokens, message_stop ends with the usage chunk (when asked for) and {@code [DONE]}.
 */
final class AnthropicStream extends SseStreamTranslator {
    private final String requestedModel;
    private final boolean includeUsage;
    private OpenAiChunks chunks;
    private Usage usage = Usage.NONE;
    private int toolIndex = -1;
    private boolean done;

    AnthropicStream(String requestedModel, boolean includeUsage) {
        this.requestedModel = requestedModel;
        this.includeUsage = includeUsage;
    }

    @Override
    void translate(SseEvent event, ByteArrayOutputStream out) {
        JsonNode data = Json.parse(event.data());
        if (data == null || done) {
            return;
        }
        String type = event.name() != null ? event.name() : data.path("type").asText();
        switch (type) {
            case "message_start" -> {
                JsonNode msg = data.path("message");
                chunks = new OpenAiChunks(msg.path("id").asText(), msg.path("model").asText(requestedModel), Clock.seconds());
                usage = OpenAiToAnthropic.usage(msg.path("usage"), null);
                write(out, chunks.delta(Json.object().put("role", "assistant").put("content", ""), null));
            }
            case "content_block_start" -> {
                JsonNode block = data.path("content_block");
                if ("tool_use".equals(block.path("type").asText())) {
                    toolIndex++;
                    ObjectNode delta = Json.object();
                    delta.set("tool_calls", OpenAiChunks.single(OpenAiChunks.toolCall(toolIndex, block.path("id").asText(),
                            block.path("name").asText(), "")));
                    write(out, opened().delta(delta, null));
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = data.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> write(out, opened().delta(Json.object().put("content", delta.path("text").asText()), null));
                    case "input_json_delta" -> {
                        ObjectNode d = Json.object();
                        d.set("tool_calls", OpenAiChunks.single(OpenAiChunks.toolCall(Math.max(toolIndex, 0), null, null,
                                delta.path("partial_json").asText())));
                        write(out, opened().delta(d, null));
                    }
                    default -> { } // thinking deltas have no chat-completions form
                }
            }
            case "message_delta" -> {
                usage = OpenAiToAnthropic.usage(data.path("usage"), usage);
                String finish = OpenAiToAnthropic.finishReason(data.path("delta").path("stop_reason").asText(null));
                write(out, opened().delta(Json.object(), finish == null ? "stop" : finish));
            }
            case "message_stop" -> {
                if (includeUsage) {
                    write(out, opened().usageChunk(usage));
                }
                write(out, OpenAiChunks.done());
                done = true;
            }
            case "error" -> {
                JsonNode err = data.path("error");
                write(out, OpenAiChunks.errorEvent(err.path("message").asText("the provider reported an error"),
                        err.path("type").asText("upstream_error")));
                done = true;
            }
            default -> { } // ping and unknown events carry nothing for the client
        }
    }

    private OpenAiChunks opened() {
        if (chunks == null) {
            chunks = new OpenAiChunks("msg_unknown", requestedModel, Clock.seconds());
        }
        return chunks;
    }

    private static void write(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(bytes);
    }
}
