package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One write of a streamed answer. {@code content} marks the frames that carry answer text: those
 * are what a chunk count, and a cut after N chunks, count.
 */
record Frame(byte[] bytes, boolean content) {

    Frame {
        Objects.requireNonNull(bytes, "bytes");
    }

    /** An SSE event with an {@code event:} line, as Anthropic, Cohere and the Responses API send. */
    static Frame event(String name, JsonNode data, boolean content) {
        Objects.requireNonNull(name, "name");
        return text("event: " + name + "\ndata: " + Json.write(data) + "\n\n", content);
    }

    /** A bare {@code data:} SSE event, as OpenAI chat completions and Google send. */
    static Frame data(JsonNode data, boolean content) {
        return text("data: " + Json.write(data) + "\n\n", content);
    }

    static Frame text(String text, boolean content) {
        return new Frame(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8), content);
    }

    String asText() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
