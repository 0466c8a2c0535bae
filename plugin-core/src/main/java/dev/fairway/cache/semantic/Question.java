package dev.fairway.cache.semantic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.config.SemanticCacheSettings;

/**
 * A chat request split for the semantic cache: the text of its last message, which must be the
 * user's, and everything else (the "exact part": model, parameters, tools, system prompt, earlier
 * turns), which must match byte for byte after canonicalisation. Reads the chat shape the OpenAI
 * and Anthropic APIs share ({@code messages} of {@code role} and {@code content}, a string or an
 * array of parts); any other body is not looked up by meaning.
 *
 * @param text the last user message's text (text parts joined by a newline), or null when excluded
 * @param exactPart the body with that message's content emptied, or null when excluded
 * @param exclusion why the request is not looked up by meaning, or null
 */
public record Question(String text, JsonNode exactPart, String exclusion) {

    static Question excluded(String reason) {
        return new Question(null, null, reason);
    }

    public boolean eligible() {
        return exclusion == null;
    }

    /** Splits {@code body} under the route's exclusions. */
    public static Question of(JsonNode body, SemanticCacheSettings settings) {
        if (!(body instanceof ObjectNode request) || !(request.get("messages") instanceof ArrayNode messages) || messages.isEmpty()) {
            return excluded("not a chat request with messages");
        }
        if (!settings.allowTools() && (nonEmpty(request.get("tools")) || nonEmpty(request.get("functions")))) {
            return excluded("the request offers tools");
        }
        JsonNode n = request.get("n");
        if (n != null && !n.isNull() && (!n.canConvertToInt() || n.asInt() != 1)) {
            return excluded("n is not 1");
        }
        JsonNode temperature = request.get("temperature");
        if (temperature != null && temperature.isNumber() && temperature.asDouble() > settings.maxTemperature()) {
            return excluded("temperature above max_temperature");
        }
        if (!settings.allowImages() && hasImage(messages)) {
            return excluded("the request carries an image");
        }
        JsonNode last = messages.get(messages.size() - 1);
        if (!"user".equals(last.path("role").asText(null))) {
            return excluded("the last message is not the user's");
        }
        String text = text(last.get("content"));
        if (text == null || text.isBlank()) {
            return excluded("the last user message has no text, or parts other than text");
        }
        ObjectNode exact = request.deepCopy();
        ((ObjectNode) ((ArrayNode) exact.get("messages")).get(messages.size() - 1)).put("content", "");
        return new Question(text, exact, null);
    }

    /** The text of a content value: a string, or an array of text parts only (else null). */
    private static String text(JsonNode content) {
        if (content == null) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText(null)) || !part.path("text").isTextual()) {
                return null;
            }
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    private static boolean hasImage(ArrayNode messages) {
        for (JsonNode m : messages) {
            JsonNode content = m.get("content");
            if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    String type = part.path("type").asText("");
                    if (type.startsWith("image") || type.equals("input_image") || part.has("image_url")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean nonEmpty(JsonNode n) {
        return n != null && !n.isNull() && !(n.isArray() && n.isEmpty());
    }
}
