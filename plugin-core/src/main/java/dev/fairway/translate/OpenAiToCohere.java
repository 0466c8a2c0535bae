package dev.fairway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Usage;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat completions in, Cohere v2 chat ({@code POST /v2/chat}) upstream. Cohere's v2 messages
 * are close to OpenAI's (the same roles, {@code tool_calls} and {@code tool_call_id}), so the request
 * changes little; the answer's content list, finish reasons and billed usage are mapped back.
 */
final class OpenAiToCohere implements ChatTranslator {

    @Override
    public UpstreamCall request(ObjectNode chat, String model) {
        JsonNode messages = ChatRequest.messages(chat);
        ObjectNode out = Json.object();
        out.put("model", model);
        ArrayNode turns = out.putArray("messages");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.get("role").asText();
            switch (role) {
                case "system", "developer" -> turns.addObject().put("role", "system").put("content", Json.text(m.get("content")));
                case "user" -> turns.addObject().put("role", "user").set("content", userContent(m.get("content"), i));
                case "assistant" -> turns.add(assistant(m, i));
                case "tool" -> turns.addObject().put("role", "tool").put("tool_call_id", m.path("tool_call_id").asText())
                        .put("content", Json.text(m.get("content")));
                default -> throw new IllegalStateException("role checked in ChatRequest");
            }
        }
        Integer max = ChatRequest.maxTokens(chat);
        if (max != null) {
            out.put("max_tokens", max);
        }
        ChatRequest.copyNumber(chat, "temperature", out, "temperature");
        ChatRequest.copyNumber(chat, "top_p", out, "p");
        ChatRequest.copyNumber(chat, "seed", out, "seed");
        ChatRequest.copyNumber(chat, "frequency_penalty", out, "frequency_penalty");
        ChatRequest.copyNumber(chat, "presence_penalty", out, "presence_penalty");
        List<String> stop = ChatRequest.stop(chat);
        if (!stop.isEmpty()) {
            ArrayNode s = out.putArray("stop_sequences");
            stop.forEach(s::add);
        }
        tools(chat, out);
        Route route = route(chat, model);
        if (route.stream()) {
            out.put("stream", true);
        }
        return route.with(Json.bytes(out));
    }

    @Override
    public Route route(ObjectNode chat, String model) {
        return new Route("v2/chat", ChatRequest.stream(chat), Map.of());
    }

    @Override
    public byte[] response(int status, byte[] upstream, String model) {
        JsonNode body = Json.parseUpstream(upstream);
        if (status < 200 || status >= 300) {
            // Cohere's errors are {"message": "..."}, some with an "id".
            return Json.bytes(OpenAiChunks.error(status, body.path("message").asText("the provider returned status " + status), "upstream_error"));
        }
        JsonNode message = body.path("message");
        StringBuilder text = new StringBuilder();
        for (JsonNode part : message.path("content")) {
            if ("text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText());
            }
        }
        ArrayNode calls = Json.array();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode fn = call.path("function");
            calls.add(OpenAiChunks.toolCall(calls.size(), call.path("id").asText(), fn.path("name").asText(), fn.path("arguments").asText("{}")));
        }
        OpenAiChunks chunks = new OpenAiChunks(body.path("id").asText(), model, Clock.seconds());
        return Json.bytes(chunks.completion(OpenAiChunks.assistantMessage(text.toString(), calls),
                finishReason(body.path("finish_reason").asText(null)), usage(body.path("usage"))));
    }

    @Override
    public StreamTranslator stream(String model, boolean includeUsage) {
        return new CohereStream(model, includeUsage);
    }

    static String finishReason(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "TOOL_CALL" -> "tool_calls";
            default -> "stop"; // COMPLETE, STOP_SEQUENCE
        };
    }

    /** Billed units are what Cohere charges, as the gateway's metering reads them; tokens when they are absent. */
    static Usage usage(JsonNode u) {
        if (u.isMissingNode() || u.isNull()) {
            return null;
        }
        JsonNode billed = u.path("billed_units");
        JsonNode tokens = u.path("tokens");
        long in = billed.has("input_tokens") ? billed.path("input_tokens").asLong() : tokens.path("input_tokens").asLong();
        long out = billed.has("output_tokens") ? billed.path("output_tokens").asLong() : tokens.path("output_tokens").asLong();
        return new Usage(in, out, u.path("cached_tokens").asLong());
    }

    private static JsonNode userContent(JsonNode content, int index) {
        if (content == null || content.isTextual()) {
            return Json.MAPPER.getNodeFactory().textNode(content == null ? "" : content.textValue());
        }
        ArrayNode parts = Json.array();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            switch (part.path("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", part.path("text").asText());
                case "image_url" -> parts.addObject().put("type", "image_url").putObject("image_url")
                        .put("url", part.path("image_url").path("url").asText());
                default -> throw GatewayError.invalidField("messages[" + index + "].content[" + j + "].type",
                        "messages[" + index + "].content[" + j + "].type: '" + part.path("type").asText()
                                + "' cannot be sent to Cohere (expected: text or image_url)");
            }
        }
        return parts;
    }

    private static ObjectNode assistant(JsonNode m, int index) {
        ObjectNode turn = Json.object().put("role", "assistant");
        String text = Json.text(m.get("content"));
        if (!text.isEmpty()) {
            turn.put("content", text);
        }
        JsonNode calls = m.path("tool_calls");
        if (calls.isArray() && !calls.isEmpty()) {
            ArrayNode out = turn.putArray("tool_calls");
            for (int j = 0; j < calls.size(); j++) {
                JsonNode fn = calls.get(j).path("function");
                if (!fn.path("arguments").isTextual()) {
                    throw GatewayError.invalidField("messages[" + index + "].tool_calls[" + j + "].function.arguments",
                            "messages[" + index + "].tool_calls[" + j + "].function.arguments: expected a JSON string");
                }
                out.addObject().put("id", calls.get(j).path("id").asText()).put("type", "function").putObject("function")
                        .put("name", fn.path("name").asText()).put("arguments", fn.path("arguments").asText());
            }
        }
        return turn;
    }

    private static void tools(ObjectNode chat, ObjectNode out) {
        JsonNode tools = chat.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode t = out.putArray("tools");
            for (JsonNode tool : tools) {
                JsonNode fn = tool.path("function");
                ObjectNode d = t.addObject().put("type", "function").putObject("function").put("name", fn.path("name").asText());
                if (fn.has("description")) {
                    d.put("description", fn.get("description").asText());
                }
                d.set("parameters", fn.has("parameters") ? fn.get("parameters") : Json.object().put("type", "object"));
            }
        }
        JsonNode choice = chat.get("tool_choice");
        if (choice != null && choice.isTextual()) {
            // Cohere knows REQUIRED and NONE; leaving it out is its "auto". A named function has no Cohere form.
            switch (choice.textValue()) {
                case "required" -> out.put("tool_choice", "REQUIRED");
                case "none" -> out.put("tool_choice", "NONE");
                default -> { }
            }
        } else if (choice != null && choice.isObject()) {
            out.put("tool_choice", "REQUIRED");
        }
    }
}
