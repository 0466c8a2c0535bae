package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Mistral's chat completions ({@code .../mistral/.../chat/completions} on the mock). The request and
 * the non-streamed answer are OpenAI's; a stream differs: the first chunk carries the role with empty
 * content, chunks have no {@code logprobs}, {@code service_tier} or fingerprint, and the last chunk
 * carries {@code usage} next to {@code finish_reason} whether or not the client asked (Mistral has no
 * {@code stream_options}; its SDKs have no switch for it).
 */
final class MistralChatFormat implements StreamingFormat {
    private final OpenAiChatFormat openAi = new OpenAiChatFormat();

    @Override
    public Prompt prompt(JsonNode body) {
        return openAi.prompt(body);
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.OPENAI;
    }

    @Override
    public JsonNode reply(Exchange ex) {
        return openAi.reply(ex);
    }

    @Override
    public List<Frame> stream(Exchange ex) {
        List<String> chunks = ex.answer().chunks();
        List<Frame> frames = new ArrayList<>(chunks.size() + 3);
        frames.add(Frame.data(chunk(ex, Json.object().put("role", "assistant").put("content", ""), null), false));
        for (String text : chunks) {
            frames.add(Frame.data(chunk(ex, Json.object().put("content", text), null), true));
        }
        ObjectNode last = chunk(ex, Json.object().put("content", ""), "stop");
        last.putObject("usage")
                .put("prompt_tokens", ex.answer().inputTokens())
                .put("total_tokens", ex.answer().totalTokens())
                .put("completion_tokens", ex.answer().outputTokens());
        frames.add(Frame.data(last, false));
        frames.add(Frame.text("data: [DONE]\n\n", false));
        return frames;
    }

    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        return openAi.errorFrame(ex, contentFramesSent);
    }

    private static ObjectNode chunk(Exchange ex, ObjectNode delta, String finishReason) {
        ObjectNode chunk = Json.object()
                .put("id", ex.ids().fingerprint().substring(0, 32))
                .put("object", "chat.completion.chunk")
                .put("created", Ids.CREATED)
                .put("model", ex.model());
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }
}
