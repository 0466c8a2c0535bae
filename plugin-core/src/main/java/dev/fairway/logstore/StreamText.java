package dev.fairway.logstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.sse.SseParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A streamed answer as the Logs view shows it: the final text the client assembled, and the raw
 * events. Text deltas are read from OpenAI chat chunks ({@code choices[].delta.content}), the
 * Responses API and Anthropic ({@code delta}, {@code delta.text}) and Google
 * ({@code candidates[].content.parts[].text}).
 */
final class StreamText {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_EVENT = 1 << 20;

    private StreamText() {}

    /** Null when {@code body} is not an event stream. */
    static Map<String, Object> of(String body) {
        if (body == null || !(body.startsWith("data:") || body.startsWith("event:") || body.startsWith(":"))) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> events = new ArrayList<>();
        SseParser parser = new SseParser(MAX_EVENT, event -> {
            Map<String, Object> raw = new LinkedHashMap<>();
            raw.put("event", event.name());
            raw.put("data", event.text());
            events.add(raw);
            delta(event.data(), text);
        });
        parser.feed(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
        parser.finish();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("final_text", text.toString());
        out.put("events", events);
        return out;
    }

    private static void delta(byte[] data, StringBuilder text) {
        JsonNode n;
        try {
            n = MAPPER.readTree(data);
        } catch (IOException e) {
            return; // "[DONE]" and other non-JSON data carry no text
        }
        if (n == null) {
            return;
        }
        for (JsonNode choice : n.path("choices")) {
            text.append(choice.path("delta").path("content").asText(""));
        }
        JsonNode delta = n.path("delta");
        if (delta.isTextual()) {
            text.append(delta.asText());
        } else if (delta.path("text").isTextual()) {
            text.append(delta.path("text").asText());
        }
        for (JsonNode candidate : n.path("candidates")) {
            for (JsonNode part : candidate.path("content").path("parts")) {
                text.append(part.path("text").asText(""));
            }
        }
    }
}
