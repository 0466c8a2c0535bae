package dev.fairway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Usage;
import java.util.List;
import java.util.Map;

/** OpenAI chat completions in, Anthropic Messages upstream. */
final class OpenAiToAnthropic implements ChatTranslator {
    static final String VERSION = "2023-06-01";
    /** Anthropic requires max_tokens; OpenAI clients often leave it out. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    @Override
    public UpstreamCall request(ObjectNode chat, String model) {
        JsonNode messages = ChatRequest.messages(chat);
        ObjectNode out = Json.object();
        out.put("model", model);
        Integer max = ChatRequest.maxTokens(chat);
        out.put("max_tokens", max == null ? DEFAULT_MAX_TOKENS : max);
        StringBuilder system = new StringBuilder();
        ArrayNode turns = out.putArray("messages");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            switch (m.get("role").asText()) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(Json.text(m.get("content")));
                }
                case "user" -> turns.addObject().put("role", "user").set("content", userContent(m.get("content"), i));
                case "assistant" -> turns.addObject().put("role", "assistant").set("content", assistantContent(m, i));
                case "tool" -> toolResult(turns, m);
                default -> throw new IllegalStateException("role checked in ChatRequest");
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        ChatRequest.copyNumber(chat, "temperature", out, "temperature");
        ChatRequest.copyNumber(chat, "top_p", out, "top_p");
        List<String> stop = ChatRequest.stop(chat);
        if (!stop.isEmpty()) {
            ArrayNode s = out.putArray("stop_sequences");
            stop.forEach(s::add);
        }
        if (ChatRequest.stream(chat)) {
            out.put("stream", true);
        }
        tools(chat, out);
        if (chat.hasNonNull("user")) {
            out.putObject("metadata").put("user_id", chat.get("user").asText());
        }
        return route(chat, model).with(Json.bytes(out));
    }

    @Override
    public Route route(ObjectNode chat, String model) {
        return new Route("v1/messages", ChatRequest.stream(chat), Map.of("anthropic-version", VERSION));
    }

    @Override
    public byte[] response(int status, byte[] upstream, String model) {
        JsonNode body = Json.parseUpstream(upstream);
        if (status < 200 || status >= 300) {
            JsonNode err = body.path("error");
            return Json.bytes(OpenAiChunks.error(status, err.path("message").asText("the provider returned status " + status),
                    err.path("type").asText("upstream_error")));
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.array();
        for (JsonNode block : body.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.add(OpenAiChunks.toolCall(calls.size(), block.path("id").asText(),
                        block.path("name").asText(), Json.string(block.path("input"))));
                default -> { } // thinking and other blocks have no chat-completions form
            }
        }
        ObjectNode message = OpenAiChunks.assistantMessage(text.toString(), calls);
        OpenAiChunks chunks = new OpenAiChunks(body.path("id").asText(), body.path("model").asText(model), Clock.seconds());
        return Json.bytes(chunks.completion(message, finishReason(body.path("stop_reason").asText(null)), usage(body.path("usage"), null)));
    }

    @Override
    public StreamTranslator stream(String model, boolean includeUsage) {
        return new AnthropicStream(model, includeUsage);
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /** Anthropic counts cached and uncached input apart; OpenAI's prompt_tokens includes both. */
    static Usage usage(JsonNode u, Usage start) {
        long cacheRead = u.path("cache_read_input_tokens").asLong(start == null ? 0 : start.cachedInputTokens());
        long uncached = u.has("input_tokens") ? u.path("input_tokens").asLong() + u.path("cache_creation_input_tokens").asLong()
                : (start == null ? 0 : start.inputTokens() - start.cachedInputTokens());
        long output = u.path("output_tokens").asLong(start == null ? 0 : start.outputTokens());
        return new Usage(uncached + cacheRead, output, cacheRead);
    }

    private static JsonNode userContent(JsonNode content, int index) {
        if (content == null || content.isTextual()) {
            return Json.MAPPER.getNodeFactory().textNode(content == null ? "" : content.textValue());
        }
        ArrayNode blocks = Json.array();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            switch (part.path("type").asText()) {
                case "text" -> blocks.addObject().put("type", "text").put("text", part.path("text").asText());
                case "image_url" -> {
                    String url = part.path("image_url").path("url").asText();
                    String[] data = ChatRequest.dataUrl(url);
                    ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
                    if (data != null) {
                        source.put("type", "base64").put("media_type", data[0]).put("data", data[1]);
                    } else {
                        source.put("type", "url").put("url", url);
                    }
                }
                default -> throw GatewayError.invalidField("messages[" + index + "].content[" + j + "].type",
                        "messages[" + index + "].content[" + j + "].type: '" + part.path("type").asText()
                                + "' cannot be sent to Anthropic (expected: text or image_url)");
            }
        }
        return blocks;
    }

    private static JsonNode assistantContent(JsonNode m, int index) {
        ArrayNode blocks = Json.array();
        String text = Json.text(m.get("content"));
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
        JsonNode calls = m.path("tool_calls");
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            JsonNode input = Json.parse(call.path("function").path("arguments").asText("{}"));
            if (input == null || !input.isObject()) {
                throw GatewayError.invalidField("messages[" + index + "].tool_calls[" + j + "].function.arguments",
                        "messages[" + index + "].tool_calls[" + j + "].function.arguments: expected a JSON object");
            }
            blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText()).set("input", input);
        }
        return blocks;
    }

    /** Tool results travel in a user turn; consecutive results share one turn, as Anthropic expects. */
    private static void toolResult(ArrayNode turns, JsonNode m) {
        ObjectNode last = turns.isEmpty() ? null : (ObjectNode) turns.get(turns.size() - 1);
        ArrayNode content;
        if (last != null && "user".equals(last.path("role").asText()) && last.path("content").isArray()
                && last.path("content").path(0).path("type").asText().equals("tool_result")) {
            content = (ArrayNode) last.get("content");
        } else {
            content = turns.addObject().put("role", "user").putArray("content");
        }
        content.addObject().put("type", "tool_result").put("tool_use_id", m.path("tool_call_id").asText())
                .put("content", Json.text(m.get("content")));
    }

    private static void tools(ObjectNode chat, ObjectNode out) {
        JsonNode tools = chat.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode t = out.putArray("tools");
            for (JsonNode tool : tools) {
                JsonNode fn = tool.path("function");
                ObjectNode d = t.addObject().put("name", fn.path("name").asText());
                if (fn.has("description")) {
                    d.put("description", fn.get("description").asText());
                }
                d.set("input_schema", fn.has("parameters") ? fn.get("parameters") : Json.object().put("type", "object"));
            }
        }
        JsonNode choice = chat.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        ObjectNode c = Json.object();
        if (choice.isTextual()) {
            c.put("type", switch (choice.textValue()) {
                case "required" -> "any";
                case "none" -> "none";
                default -> "auto";
            });
        } else {
            c.put("type", "tool").put("name", choice.path("function").path("name").asText());
        }
        out.set("tool_choice", c);
    }

}
