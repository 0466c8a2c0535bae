package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic messages ({@code .../messages}). As in Anthropic's usage, {@code input_tokens} counts only
 * the input not read from the cache; cached tokens are reported as {@code cache_read_input_tokens}.
 */
final class AnthropicFormat implements StreamingFormat {

    @Override
    public Prompt prompt(JsonNode body) {
        return read(body);
    }

    /** The Anthropic request shape, which Bedrock's Claude invoke shares. */
    static Prompt read(JsonNode body) {
        JsonNode system = body.path("system");
        List<String> systemTexts = system.isMissingNode() || system.isNull() ? List.of() : List.of(Texts.of(system));
        return Texts.chat(body.path("messages"), systemTexts, "content", "user");
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.ANTHROPIC;
    }

    @Override
    public String defaultModel() {
        return "claude-mock";
    }

    @Override
    public JsonNode reply(Exchange ex) {
        return message(ex);
    }

    /** The complete message object. */
    static ObjectNode message(Exchange ex) {
        ObjectNode m = opening(ex);
        m.putArray("content").addObject().put("type", "text").put("text", ex.answer().text());
        m.put("stop_reason", "end_turn");
        m.putNull("stop_sequence");
        m.set("usage", usage(ex.answer(), ex.answer().outputTokens()));
        return m;
    }

    /** One stream event: its name, its data, and whether it carries answer text. */
    record Event(String name, ObjectNode data, boolean content) {}

    @Override
    public List<Frame> stream(Exchange ex) {
        List<Frame> frames = new ArrayList<>();
        for (Event e : events(ex, true)) {
            frames.add(event(e.name(), e.data(), e.content()));
        }
        return frames;
    }

    /**
     * The events of a streamed answer, in order; Bedrock's invoke stream wraps the same ones.
     *
     * @param ping whether to send Anthropic's keep-alive ping (Bedrock does not relay it)
     */
    static List<Event> events(Exchange ex, boolean ping) {
        List<Event> frames = new ArrayList<>();
        ObjectNode start = opening(ex);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        // Anthropic reports a token or so of output at the start; message_delta carries the total.
        start.set("usage", usage(ex.answer(), 1));
        ObjectNode messageStart = Json.object().put("type", "message_start");
        messageStart.set("message", start);
        frames.add(new Event("message_start", messageStart, false));
        ObjectNode blockStart = Json.object().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        frames.add(new Event("content_block_start", blockStart, false));
        if (ping) {
            frames.add(new Event("ping", Json.object().put("type", "ping"), false));
        }
        for (String chunk : ex.answer().chunks()) {
            ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", chunk);
            frames.add(new Event("content_block_delta", delta, true));
        }
        frames.add(new Event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", 0), false));
        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
        messageDelta.putObject("usage")
                .put("input_tokens", ex.answer().uncachedInputTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", ex.answer().cachedTokens())
                .put("output_tokens", ex.answer().outputTokens());
        frames.add(new Event("message_delta", messageDelta, false));
        frames.add(new Event("message_stop", Json.object().put("type", "message_stop"), false));
        return frames;
    }

    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        ObjectNode error = Json.object().put("type", "error");
        error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded (mock error event)");
        return event("error", error, false);
    }

    private static ObjectNode opening(Exchange ex) {
        return Json.object()
                .put("id", ex.ids().id("msg_"))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", ex.model());
    }

    private static ObjectNode usage(Answer answer, int outputTokens) {
        ObjectNode usage = Json.object()
                .put("input_tokens", answer.uncachedInputTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", answer.cachedTokens());
        usage.putObject("cache_creation").put("ephemeral_5m_input_tokens", 0).put("ephemeral_1h_input_tokens", 0);
        usage.put("output_tokens", outputTokens);
        usage.put("service_tier", "standard");
        return usage;
    }

    private static Frame event(String name, JsonNode data, boolean content) {
        return Frame.event(name, data, content);
    }
}
