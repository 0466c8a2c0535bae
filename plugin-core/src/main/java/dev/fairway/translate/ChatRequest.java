package dev.fairway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.GatewayError;
import java.util.Set;

/** Reading an OpenAI chat-completions request, with 400s that name the field. */
final class ChatRequest {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private ChatRequest() {}

    static JsonNode messages(ObjectNode chat) {
        JsonNode messages = chat.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GatewayError.invalidField("messages", "messages: expected a non-empty array");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw GatewayError.invalidField("messages[" + i + "].role",
                        "messages[" + i + "].role: '" + role + "' (expected: system, developer, user, assistant or tool)");
            }
        }
        return messages;
    }

    static Integer maxTokens(ObjectNode chat) {
        JsonNode n = chat.has("max_completion_tokens") ? chat.get("max_completion_tokens") : chat.get("max_tokens");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || n.asInt() < 1) {
            throw GatewayError.invalidField("max_tokens", "max_tokens: expected a positive whole number");
        }
        return n.asInt();
    }

    static boolean stream(ObjectNode chat) {
        return chat.path("stream").asBoolean(false);
    }

    static boolean includeUsage(ObjectNode chat) {
        return chat.path("stream_options").path("include_usage").asBoolean(false);
    }

    /** {@code stop}: a string or a list of strings. */
    static java.util.List<String> stop(ObjectNode chat) {
        JsonNode stop = chat.get("stop");
        java.util.List<String> out = new java.util.ArrayList<>();
        if (stop == null || stop.isNull()) {
            return out;
        }
        if (stop.isTextual()) {
            out.add(stop.textValue());
        } else if (stop.isArray()) {
            stop.forEach(s -> out.add(s.asText()));
        } else {
            throw GatewayError.invalidField("stop", "stop: expected a string or a list of strings");
        }
        return out;
    }

    /** A data: URL split into media type and base64 payload, or null for other URLs. */
    static String[] dataUrl(String url) {
        if (!url.startsWith("data:")) {
            return null;
        }
        int semi = url.indexOf(";base64,");
        if (semi < 0) {
            return null;
        }
        return new String[] {url.substring(5, semi), url.substring(semi + 8)};
    }

    /** Copies a numeric field under another name, leaving absent or non-numeric ones out. */
    static void copyNumber(ObjectNode from, String name, ObjectNode to, String as) {
        JsonNode n = from.get(name);
        if (n != null && n.isNumber()) {
            to.set(as, n);
        }
    }
}
