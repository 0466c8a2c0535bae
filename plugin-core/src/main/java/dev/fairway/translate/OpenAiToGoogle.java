package dev.fairway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Usage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** OpenAI chat completions in, Google generateContent upstream (AI Studio and Vertex share the body). */
final class OpenAiToGoogle implements ChatTranslator {

    @Override
    public UpstreamCall request(ObjectNode chat, String model) {
        JsonNode messages = ChatRequest.messages(chat);
        ObjectNode out = Json.object();
        ArrayNode contents = out.putArray("contents");
        StringBuilder system = new StringBuilder();
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            switch (m.get("role").asText()) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(Json.text(m.get("content")));
                }
                case "user" -> contents.addObject().put("role", "user").set("parts", userParts(m.get("content"), i));
                case "assistant" -> contents.addObject().put("role", "model").set("parts", modelParts(m, i, toolNames));
                case "tool" -> {
                    ObjectNode response = Json.object();
                    response.put("content", Json.text(m.get("content")));
                    ObjectNode part = Json.object();
                    part.putObject("functionResponse")
                            .put("name", toolNames.getOrDefault(m.path("tool_call_id").asText(), m.path("name").asText("tool")))
                            .set("response", response);
                    contents.addObject().put("role", "user").set("parts", OpenAiChunks.single(part));
                }
                default -> throw new IllegalStateException("role checked in ChatRequest");
            }
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
        }
        ObjectNode generation = Json.object();
        ChatRequest.copyNumber(chat, "temperature", generation, "temperature");
        ChatRequest.copyNumber(chat, "top_p", generation, "topP");
        Integer max = ChatRequest.maxTokens(chat);
        if (max != null) {
            generation.put("maxOutputTokens", max);
        }
        List<String> stop = ChatRequest.stop(chat);
        if (!stop.isEmpty()) {
            ArrayNode s = generation.putArray("stopSequences");
            stop.forEach(s::add);
        }
        if (!generation.isEmpty()) {
            out.set("generationConfig", generation);
        }
        tools(chat, out);
        return route(chat, model).with(Json.bytes(out));
    }

    @Override
    public Route route(ObjectNode chat, String model) {
        boolean stream = ChatRequest.stream(chat);
        return new Route("v1beta/models/" + model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"), stream, Map.of());
    }

    @Override
    public byte[] response(int status, byte[] upstream, String model) {
        JsonNode body = Json.parseUpstream(upstream);
        if (status < 200 || status >= 300) {
            JsonNode err = body.isArray() ? body.path(0).path("error") : body.path("error");
            return Json.bytes(OpenAiChunks.error(status, err.path("message").asText("the provider returned status " + status),
                    err.path("status").asText("upstream_error")));
        }
        Candidate c = Candidate.read(body, 0);
        ObjectNode message = OpenAiChunks.assistantMessage(c.text(), c.calls());
        OpenAiChunks chunks = new OpenAiChunks(body.path("responseId").asText("gen-" + Long.toHexString(System.nanoTime())),
                body.path("modelVersion").asText(model), Clock.seconds());
        return Json.bytes(chunks.completion(message, c.calls().isEmpty() ? finishReason(c.finishReason()) : "tool_calls",
                usage(body.path("usageMetadata"))));
    }

    @Override
    public StreamTranslator stream(String model, boolean includeUsage) {
        return new GoogleStream(model, includeUsage);
    }

    static String finishReason(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII" -> "content_filter";
            default -> "stop";
        };
    }

    static Usage usage(JsonNode u) {
        if (u.isMissingNode()) {
            return null;
        }
        return new Usage(u.path("promptTokenCount").asLong(), u.path("candidatesTokenCount").asLong()
                + u.path("thoughtsTokenCount").asLong(), u.path("cachedContentTokenCount").asLong());
    }

    /** The text, tool calls and finish reason of one answer chunk's first candidate. */
    record Candidate(String text, ArrayNode calls, String finishReason) {
        static Candidate read(JsonNode body, int firstToolIndex) {
            JsonNode candidate = body.path("candidates").path(0);
            StringBuilder text = new StringBuilder();
            ArrayNode calls = Json.array();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.has("text") && !part.path("thought").asBoolean(false)) {
                    text.append(part.get("text").asText());
                } else if (part.has("functionCall")) {
                    JsonNode fn = part.get("functionCall");
                    int index = firstToolIndex + calls.size();
                    calls.add(OpenAiChunks.toolCall(index, "call_" + index, fn.path("name").asText(), Json.string(fn.path("args"))));
                }
            }
            return new Candidate(text.toString(), calls, candidate.path("finishReason").asText(null));
        }
    }

    private static ArrayNode userParts(JsonNode content, int index) {
        ArrayNode parts = Json.array();
        if (content == null || content.isTextual()) {
            parts.addObject().put("text", content == null ? "" : content.textValue());
            return parts;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            switch (part.path("type").asText()) {
                case "text" -> parts.addObject().put("text", part.path("text").asText());
                case "image_url" -> {
                    String[] data = ChatRequest.dataUrl(part.path("image_url").path("url").asText());
                    if (data == null) {
                        throw GatewayError.invalidField("messages[" + index + "].content[" + j + "].image_url.url",
                                "messages[" + index + "].content[" + j + "].image_url.url: Google accepts images as data: URLs only");
                    }
                    parts.addObject().putObject("inlineData").put("mimeType", data[0]).put("data", data[1]);
                }
                default -> throw GatewayError.invalidField("messages[" + index + "].content[" + j + "].type",
                        "messages[" + index + "].content[" + j + "].type: '" + part.path("type").asText()
                                + "' cannot be sent to Google (expected: text or image_url)");
            }
        }
        return parts;
    }

    private static ArrayNode modelParts(JsonNode m, int index, Map<String, String> toolNames) {
        ArrayNode parts = Json.array();
        String text = Json.text(m.get("content"));
        if (!text.isEmpty()) {
            parts.addObject().put("text", text);
        }
        JsonNode calls = m.path("tool_calls");
        for (int j = 0; j < calls.size(); j++) {
            JsonNode fn = calls.get(j).path("function");
            JsonNode args = Json.parse(fn.path("arguments").asText("{}"));
            if (args == null || !args.isObject()) {
                throw GatewayError.invalidField("messages[" + index + "].tool_calls[" + j + "].function.arguments",
                        "messages[" + index + "].tool_calls[" + j + "].function.arguments: expected a JSON object");
            }
            toolNames.put(calls.get(j).path("id").asText(), fn.path("name").asText());
            parts.addObject().putObject("functionCall").put("name", fn.path("name").asText()).set("args", args);
        }
        return parts;
    }

    private static void tools(ObjectNode chat, ObjectNode out) {
        JsonNode tools = chat.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode decls = out.putArray("tools").addObject().putArray("functionDeclarations");
            for (JsonNode tool : tools) {
                JsonNode fn = tool.path("function");
                ObjectNode d = decls.addObject().put("name", fn.path("name").asText());
                if (fn.has("description")) {
                    d.put("description", fn.get("description").asText());
                }
                if (fn.has("parameters")) {
                    d.set("parameters", fn.get("parameters"));
                }
            }
        }
        JsonNode choice = chat.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        ObjectNode config = out.putObject("toolConfig").putObject("functionCallingConfig");
        if (choice.isTextual()) {
            config.put("mode", switch (choice.textValue()) {
                case "required" -> "ANY";
                case "none" -> "NONE";
                default -> "AUTO";
            });
        } else {
            config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
        }
    }

}
