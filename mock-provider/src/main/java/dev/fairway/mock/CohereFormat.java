package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Cohere v2 chat ({@code .../v2/chat}). */
final class CohereFormat implements StreamingFormat {

    @Override
    public Prompt prompt(JsonNode body) {
        return Texts.chat(body.path("messages"), List.of(), "content", "user");
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.COHERE;
    }

    @Override
    public String defaultModel() {
        return "command-mock";
    }

    @Override
    public JsonNode reply(Exchange ex) {
        ObjectNode body = Json.object().put("id", ex.ids().uuid());
        ObjectNode message = body.putObject("message").put("role", "assistant");
        message.putArray("content").addObject().put("type", "text").put("text", ex.answer().text());
        body.put("finish_reason", "COMPLETE");
        body.set("usage", usage(ex.answer()));
        return body;
    }

    @Override
    public List<Frame> stream(Exchange ex) {
        List<Frame> frames = new ArrayList<>();
        ObjectNode start = Json.object().put("id", ex.ids().uuid()).put("type", "message-start");
        ObjectNode startMessage = start.putObject("delta").putObject("message").put("role", "assistant");
        startMessage.putArray("content");
        startMessage.put("tool_plan", "");
        startMessage.putArray("tool_calls");
        startMessage.putArray("citations");
        frames.add(Frame.event("message-start", start, false));
        ObjectNode contentStart = Json.object().put("type", "content-start").put("index", 0);
        contentStart.putObject("delta").putObject("message").putObject("content").put("type", "text").put("text", "");
        frames.add(Frame.event("content-start", contentStart, false));
        for (String chunk : ex.answer().chunks()) {
            ObjectNode delta = Json.object().put("type", "content-delta").put("index", 0);
            delta.putObject("delta").putObject("message").putObject("content").put("text", chunk);
            frames.add(Frame.event("content-delta", delta, true));
        }
        frames.add(Frame.event("content-end", Json.object().put("type", "content-end").put("index", 0), false));
        ObjectNode end = Json.object().put("type", "message-end");
        ObjectNode endDelta = end.putObject("delta").put("finish_reason", "COMPLETE");
        endDelta.set("usage", usage(ex.answer()));
        frames.add(Frame.event("message-end", end, false));
        return frames;
    }

    /** Cohere ends a failed stream with message-end, finish_reason ERROR and the error text. */
    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        ObjectNode end = Json.object().put("type", "message-end");
        end.putObject("delta")
                .put("error", "internal server error (mock error event)")
                .put("finish_reason", "ERROR");
        return Frame.event("message-end", end, false);
    }

    private static ObjectNode usage(Answer answer) {
        ObjectNode usage = Json.object();
        usage.putObject("billed_units")
                .put("input_tokens", answer.inputTokens())
                .put("output_tokens", answer.outputTokens());
        usage.putObject("tokens")
                .put("input_tokens", answer.inputTokens())
                .put("output_tokens", answer.outputTokens());
        return usage;
    }
}
