package dev.fairway.prompt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.GatewayError;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A prompt version rendered into an OpenAI chat-completions body. The request body is a JSON object
 * (or empty): {@code variables} (an object of strings, numbers or booleans) fills the placeholders,
 * {@code messages} are appended after the template's, and any other field (stream, temperature,
 * model, ...) is sent as given, over the template's parameters. The model is the experiment arm's,
 * else the request's, else the template's.
 */
final class Renderer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Renderer() {}

    static byte[] render(CompiledPrompt prompt, byte[] body, String armModel) {
        ObjectNode request = request(body);
        Map<String, String> values = variables(prompt, request.remove("variables"));
        JsonNode extra = request.remove("messages");
        if (extra != null && !extra.isArray()) {
            throw GatewayError.invalidField("messages", "messages: " + extra.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + " (expected: an array of messages, sent after the prompt's)");
        }
        ObjectNode out = MAPPER.createObjectNode();
        prompt.source().parameters().forEach((k, v) -> out.set(k, MAPPER.valueToTree(v)));
        String model = armModel != null ? armModel : request.path("model").isTextual() ? request.get("model").textValue() : prompt.source().model();
        request.remove("model");
        out.setAll(request);
        if (model != null) {
            out.put("model", model);
        }
        ArrayNode messages = out.putArray("messages");
        List<PromptMessage> source = prompt.source().messages();
        for (int i = 0; i < source.size(); i++) {
            messages.addObject().put("role", source.get(i).role()).put("content", prompt.contents().get(i).render(values));
        }
        if (extra != null) {
            messages.addAll((ArrayNode) extra);
        }
        try {
            return MAPPER.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree built from parsed JSON always serialises", e);
        }
    }

    private static ObjectNode request(byte[] body) {
        if (body.length == 0) {
            return MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw GatewayError.invalidField("body", "body: not JSON (expected: {\"variables\":{...}} with the prompt's variables)");
        }
        if (node == null || node.isMissingNode()) {
            return MAPPER.createObjectNode();
        }
        if (!node.isObject()) {
            throw GatewayError.invalidField("body", "body: a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + " (expected: an object, {\"variables\":{...}})");
        }
        return (ObjectNode) node;
    }

    /** The values the prompt needs, exactly: a missing one and one the prompt does not use are both refused, by name. */
    private static Map<String, String> variables(CompiledPrompt prompt, JsonNode given) {
        if (given != null && !given.isObject()) {
            throw GatewayError.invalidField("variables", "variables: expected an object of name: value");
        }
        Map<String, String> values = new HashMap<>();
        if (given != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "variables." + (e.getKey().length() > 64 ? e.getKey().substring(0, 64) + "..." : e.getKey());
                if (!prompt.variables().contains(e.getKey())) {
                    throw GatewayError.invalidField(field, field + ": not a variable of prompt " + prompt.label()
                            + " (it uses: " + (prompt.variables().isEmpty() ? "none" : String.join(", ", prompt.variables())) + ")");
                }
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw GatewayError.invalidField(field, field + ": expected a string, number or boolean");
                }
                values.put(e.getKey(), v.asText());
            }
        }
        for (String name : prompt.variables()) {
            if (!values.containsKey(name)) {
                throw GatewayError.invalidField("variables." + name, "variables." + name + ": missing (prompt " + prompt.label() + " uses it)");
            }
        }
        return values;
    }
}
