package dev.fairway.guardrail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Base64;
import java.util.Set;

/**
 * The answer text one streamed event carries: the string values of the fields providers put
 * generated text in (OpenAI's {@code content}, {@code refusal} and tool {@code arguments},
 * Anthropic's and Google's {@code text}, {@code partial_json} and {@code thinking}, the Responses
 * API's {@code delta}), never ids, model names or roles, so that text split across events reads as
 * one. Bedrock's invoke stream wraps each event in base64 under {@code bytes}.
 */
final class AnswerText {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> TEXT_FIELDS = Set.of("content", "text", "delta", "partial_json", "arguments",
            "thinking", "refusal", "reasoning_content");

    private AnswerText() {}

    /** Appends the text of one event's JSON to {@code out}; a payload that is not JSON is taken whole. */
    static void append(byte[] json, StringBuilder out) {
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.VALUE_STRING) {
                    continue;
                }
                String field = p.currentName();
                if ("bytes".equals(field)) {
                    append(Base64.getDecoder().decode(p.getText()), out);
                } else if (field != null && TEXT_FIELDS.contains(field)) {
                    out.append(p.getText());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // Not JSON (a plain-text stream) or not base64: check it as it is rather than not at all.
            out.append(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
