package dev.fairway.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.GatewayError;
import java.io.IOException;

/** Tree helpers for translators: translation is the one place the gateway rebuilds bodies. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String string(JsonNode node) {
        return node.toString();
    }

    /** Parses an upstream body; a provider that answers non-JSON gets a clear upstream error. */
    static JsonNode parseUpstream(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw GatewayError.of(dev.fairway.error.ErrorType.UPSTREAM_UNAVAILABLE, "the provider's answer is not valid JSON");
        }
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** As {@link #parse(String)}, straight from an event's UTF-8 data. */
    static JsonNode parse(byte[] utf8) {
        try {
            return MAPPER.readTree(utf8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Text of an OpenAI message content: a string, or the text parts of a part list. */
    static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText()) && part.has("text")) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(part.get("text").asText());
            }
        }
        return sb.toString();
    }
}
