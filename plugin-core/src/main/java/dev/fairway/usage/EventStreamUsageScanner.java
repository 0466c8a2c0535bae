package dev.fairway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.sse.EventStreamDecoder;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Reads usage from Bedrock's streamed answers ({@code application/vnd.amazon.eventstream}), one
 * message at a time through {@link EventStreamDecoder}. A payload is either a converse event (the
 * {@code metadata} event carries {@code usage}) or {@code {"bytes": base64}} wrapping an Anthropic
 * stream event, the last of which also carries {@code amazon-bedrock-invocationMetrics}. Exception
 * messages carry no usage.
 */
final class EventStreamUsageScanner {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EventStreamDecoder decoder = new EventStreamDecoder();
    private final UsageNumbers total = new UsageNumbers();
    private final AnswerFields answer = new AnswerFields();

    void feed(ByteBuffer chunk) {
        for (EventStreamDecoder.Message m : decoder.feed(chunk)) {
            if (!"exception".equals(m.header(":message-type")) && !"error".equals(m.header(":message-type"))) {
                read(m.payload());
            }
        }
    }

    private void read(byte[] payload) {
        JsonUsageScanner direct = JsonUsageScanner.whole(payload, 0, payload.length);
        total.putAll(direct.numbers());
        answer.addAll(direct.answer());
        try {
            JsonNode wrapped = MAPPER.readTree(payload).get("bytes");
            if (wrapped != null && wrapped.isTextual()) {
                byte[] inner = Base64.getDecoder().decode(wrapped.asText());
                JsonUsageScanner event = JsonUsageScanner.whole(inner, 0, inner.length);
                total.putAll(event.numbers());
                answer.addAll(event.answer());
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            // Not JSON, or not a wrapped event: there is nothing more to read in it.
        }
    }

    /** The answering model and stop reasons: Converse's messageStop, or the wrapped Anthropic events'. */
    AnswerFields answer() {
        return answer;
    }

    UsageNumbers numbers() {
        return total;
    }
}
