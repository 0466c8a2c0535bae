package dev.fairway.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fairway.sse.SseEvent;
import dev.fairway.sse.SseParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Whether a complete 2xx body may be stored. Providers report some failures inside a 200 (an
 * {@code error} object, Anthropic's {@code "type": "error"}, an SSE {@code error} event), and a
 * stream can end between two bytes of an event; none of those may be replayed as an answer.
 *
 * @param reason why the body is refused, or null when it may be stored
 */
record BodyCheck(String reason) {
    static final BodyCheck STORABLE = new BodyCheck(null);
    private static final JsonFactory JSON = new JsonFactory();

    boolean storable() {
        return reason == null;
    }

    static BodyCheck of(String contentType, byte[] body) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (ct.startsWith("text/event-stream")) {
            return sse(body);
        }
        if (ct.contains("json")) {
            return json(body, 0, body.length) ? STORABLE : new BodyCheck("error object or invalid JSON in a 2xx body");
        }
        return STORABLE;
    }

    /** Reads the events: the stream must end on an event boundary and carry no error event or error data. */
    private static BodyCheck sse(byte[] b) {
        if (b.length == 0) {
            return new BodyCheck("empty stream");
        }
        String[] refusal = new String[1];
        SseParser parser = new SseParser(Math.max(1, b.length), e -> {
            if (refusal[0] == null) {
                refusal[0] = refusal(e);
            }
        });
        parser.feed(ByteBuffer.wrap(b));
        if (refusal[0] != null) {
            return new BodyCheck(refusal[0]);
        }
        return parser.atBoundary() ? STORABLE : new BodyCheck("stream ended inside an event");
    }

    private static String refusal(SseEvent e) {
        if ("error".equals(e.name())) {
            return "error event in the stream";
        }
        byte[] data = e.data();
        int from = 0;
        while (from < data.length && (data[from] == ' ' || data[from] == '\t' || data[from] == '\n' || data[from] == '\r')) {
            from++;
        }
        // Only objects can be error objects: [DONE] and other plain data are the provider's own.
        return from < data.length && data[from] == '{' && !json(data, from, data.length - from) ? "error data in the stream" : null;
    }

    /** Valid JSON that is not a provider error; when unsure (it does not parse), do not store. */
    private static boolean json(byte[] b, int offset, int length) {
        try (JsonParser p = JSON.createParser(b, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return p.currentToken() != null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("error".equals(name) && v != JsonToken.VALUE_NULL) {
                    return false;
                }
                if ("type".equals(name) && v == JsonToken.VALUE_STRING && "error".equals(p.getText())) {
                    return false;
                }
                p.skipChildren();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
