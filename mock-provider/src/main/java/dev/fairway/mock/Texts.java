package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads the text out of the content shapes providers accept: a string, a part, or a list of parts. */
final class Texts {

    private Texts() {
    }

    /**
     * A string as is; an object's {@code text}; an array's strings and parts' {@code text} joined by
     * newlines. Non-text parts (images, tool calls) contribute nothing.
     */
    static String of(JsonNode content) {
        if (content == null || content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (content.isObject()) {
            JsonNode text = content.get("text");
            return text != null && text.isTextual() ? text.textValue() : "";
        }
        if (content.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode part : content) {
                String text = of(part);
                if (!text.isEmpty()) {
                    parts.add(text);
                }
            }
            return String.join("\n", parts);
        }
        return "";
    }

    /** Reads a {@code [{role, content}]} list into a prompt; the usual chat request shape. */
    static Prompt chat(JsonNode messages, List<String> systemTexts, String contentField, String userRole) {
        List<String> texts = new ArrayList<>(systemTexts);
        String lastUser = "";
        for (JsonNode message : messages) {
            String text = of(message.get(contentField));
            texts.add(text);
            if (userRole.equals(message.path("role").asText(userRole))) {
                lastUser = text;
            }
        }
        return new Prompt(texts, lastUser);
    }
}
