package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** OpenAI chat completions ({@code .../chat/completions}), also spoken by most OpenAI-compatible providers. */
final class OpenAiChatFormat implements StreamingFormat {

    static final String FINGERPRINT = "fp_fairway_mock";

    @Override
    public Prompt prompt(JsonNode body) {
        return Texts.chat(body.path("messages"), List.of(), "content", "user");
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.OPENAI;
    }

    @Override
    public JsonNode reply(Exchange ex) {
        ObjectNode body = head(ex, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", ex.answer().text());
        message.putNull("refusal");
        message.putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        body.set("usage", usage(ex.answer()));
        body.put("service_tier", "default");
        body.put("system_fingerprint", FINGERPRINT);
        return body;
    }

    /**
     * The role rides on the first content chunk, so the number of chunks carrying text is exactly
     * the chunk count; then a finish chunk, the usage chunk when asked for, and {@code [DONE]}.
     */
    @Override
    public List<Frame> stream(Exchange ex) {
        boolean includeUsage = ex.body().path("stream_options").path("include_usage").asBoolean(false);
        List<String> chunks = ex.answer().chunks();
        List<Frame> frames = new ArrayList<>(chunks.size() + 3);
        for (int i = 0; i < chunks.size(); i++) {
            ObjectNode delta = Json.object();
            if (i == 0) {
                delta.put("role", "assistant");
            }
            delta.put("content", chunks.get(i));
            frames.add(Frame.data(chunk(ex, delta, null, includeUsage), true));
        }
        frames.add(Frame.data(chunk(ex, Json.object(), "stop", includeUsage), false));
        if (includeUsage) {
            ObjectNode last = head(ex, "chat.completion.chunk");
            last.putArray("choices");
            last.put("service_tier", "default");
            last.put("system_fingerprint", FINGERPRINT);
            last.set("usage", usage(ex.answer()));
            frames.add(Frame.data(last, false));
        }
        frames.add(Frame.text("data: [DONE]\n\n", false));
        return frames;
    }

    /** OpenAI reports a failure mid-stream as a data event holding only an error object. */
    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        return Frame.data(ErrorShape.OPENAI.body(500, "The server had an error while processing your request (mock error event)", ex.ids()), false);
    }

    private static ObjectNode chunk(Exchange ex, ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode chunk = head(ex, "chat.completion.chunk");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        chunk.put("service_tier", "default");
        chunk.put("system_fingerprint", FINGERPRINT);
        if (includeUsage) {
            // With include_usage OpenAI sends "usage": null on every chunk before the usage chunk.
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode head(Exchange ex, String object) {
        return Json.object()
                .put("id", ex.ids().id("chatcmpl-"))
                .put("object", object)
                .put("created", Ids.CREATED)
                .put("model", ex.model());
    }

    static ObjectNode usage(Answer answer) {
        ObjectNode usage = Json.object()
                .put("prompt_tokens", answer.inputTokens())
                .put("completion_tokens", answer.outputTokens())
                .put("total_tokens", answer.totalTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", answer.cachedTokens()).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details")
                .put("reasoning_tokens", 0)
                .put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0)
                .put("rejected_prediction_tokens", 0);
        return usage;
    }
}
