package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The OpenAI Responses API ({@code .../responses}). */
final class OpenAiResponsesFormat implements StreamingFormat {

    /** Events before the first text delta: created, in_progress, output_item.added, content_part.added. */
    private static final int OPENING_EVENTS = 4;

    @Override
    public Prompt prompt(JsonNode body) {
        List<String> texts = new ArrayList<>();
        JsonNode instructions = body.path("instructions");
        if (instructions.isTextual()) {
            texts.add(instructions.textValue());
        }
        JsonNode input = body.path("input");
        String lastUser = "";
        if (input.isTextual()) {
            texts.add(input.textValue());
            lastUser = input.textValue();
        } else {
            for (JsonNode item : input) {
                // Items are strings, messages with string or part-list content, or tool outputs.
                String text = item.isTextual() ? item.textValue()
                        : item.has("content") ? Texts.of(item.get("content")) : item.path("output").asText("");
                texts.add(text);
                if (item.isTextual() || "user".equals(item.path("role").asText())) {
                    lastUser = text;
                }
            }
        }
        return new Prompt(texts, lastUser);
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.OPENAI;
    }

    @Override
    public JsonNode reply(Exchange ex) {
        return response(ex, true);
    }

    @Override
    public List<Frame> stream(Exchange ex) {
        String itemId = ex.ids().id("msg_");
        List<Frame> frames = new ArrayList<>();
        Sequence seq = new Sequence();
        frames.add(event(seq, "response.created", o -> o.set("response", response(ex, false)), false));
        frames.add(event(seq, "response.in_progress", o -> o.set("response", response(ex, false)), false));
        frames.add(event(seq, "response.output_item.added",
                o -> o.put("output_index", 0).set("item", message(ex, false)), false));
        frames.add(event(seq, "response.content_part.added",
                o -> position(o, itemId).set("part", textPart("")), false));
        for (String chunk : ex.answer().chunks()) {
            frames.add(event(seq, "response.output_text.delta",
                    o -> position(o, itemId).put("delta", chunk).putArray("logprobs"), true));
        }
        String text = ex.answer().text();
        frames.add(event(seq, "response.output_text.done",
                o -> position(o, itemId).put("text", text).putArray("logprobs"), false));
        frames.add(event(seq, "response.content_part.done",
                o -> position(o, itemId).set("part", textPart(text)), false));
        frames.add(event(seq, "response.output_item.done",
                o -> o.put("output_index", 0).set("item", message(ex, true)), false));
        frames.add(event(seq, "response.completed", o -> o.set("response", response(ex, true)), false));
        return frames;
    }

    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        ObjectNode data = Json.object()
                .put("type", "error")
                .put("code", "server_error")
                .put("message", "The server had an error while processing your request (mock error event)");
        data.putNull("param");
        data.put("sequence_number", OPENING_EVENTS + contentFramesSent);
        return Frame.event("error", data, false);
    }

    private static ObjectNode response(Exchange ex, boolean completed) {
        ObjectNode r = Json.object()
                .put("id", ex.ids().id("resp_"))
                .put("object", "response")
                .put("created_at", Ids.CREATED)
                .put("status", completed ? "completed" : "in_progress")
                .put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        JsonNode instructions = ex.body().path("instructions");
        if (instructions.isTextual()) {
            r.put("instructions", instructions.textValue());
        } else {
            r.putNull("instructions");
        }
        r.putNull("max_output_tokens");
        r.put("model", ex.model());
        ArrayNode output = r.putArray("output");
        if (completed) {
            output.add(message(ex, true));
        }
        r.put("parallel_tool_calls", true);
        r.putNull("previous_response_id");
        r.put("temperature", 1.0);
        r.putObject("text").putObject("format").put("type", "text");
        r.put("tool_choice", "auto");
        r.putArray("tools");
        r.put("top_p", 1.0);
        r.put("truncation", "disabled");
        if (completed) {
            ObjectNode usage = r.putObject("usage").put("input_tokens", ex.answer().inputTokens());
            // Newer SDKs require cache_write_tokens; the mock never writes to a cache.
            usage.putObject("input_tokens_details")
                    .put("cached_tokens", ex.answer().cachedTokens())
                    .put("cache_write_tokens", 0);
            usage.put("output_tokens", ex.answer().outputTokens());
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", ex.answer().totalTokens());
        } else {
            r.putNull("usage");
        }
        r.putObject("metadata");
        return r;
    }

    private static ObjectNode message(Exchange ex, boolean completed) {
        ObjectNode m = Json.object()
                .put("id", ex.ids().id("msg_"))
                .put("type", "message")
                .put("status", completed ? "completed" : "in_progress")
                .put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (completed) {
            content.add(textPart(ex.answer().text()));
        }
        return m;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    private static ObjectNode position(ObjectNode o, String itemId) {
        return o.put("item_id", itemId).put("output_index", 0).put("content_index", 0);
    }

    private static Frame event(Sequence seq, String type, Consumer<ObjectNode> fill, boolean content) {
        ObjectNode data = Json.object().put("type", type);
        fill.accept(data);
        data.put("sequence_number", seq.next++);
        return Frame.event(type, data, content);
    }

    /** Every Responses stream event carries its position in the stream. */
    private static final class Sequence {
        int next;
    }
}
