package dev.fairway.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /** Walks the events: the stream must end on an event boundary and carry no error event. */
    private static BodyCheck sse(byte[] b) {
        if (!endsWithBlankLine(b)) {
            return new BodyCheck("stream ended inside an event");
        }
        int i = 0;
        while (i < b.length) {
            int end = lineEnd(b, i);
            if (startsWith(b, i, end, "event:")) {
                if (field(b, i + 6, end).equals("error")) {
                    return new BodyCheck("error event in the stream");
                }
            } else if (startsWith(b, i, end, "data:")) {
                int from = i + 5;
                if (from < end && b[from] == ' ') {
                    from++;
                }
                if (from < end && b[from] == '{' && !json(b, from, end - from)) {
                    return new BodyCheck("error data in the stream");
                }
            }
            i = next(b, end);
        }
        return STORABLE;
    }

    /** Valid JSON that is not a provider error. Data split over several lines fails to parse and is refused: when unsure, do not store. */
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

    private static boolean endsWithBlankLine(byte[] b) {
        int n = b.length;
        return n >= 2 && b[n - 1] == '\n' && (b[n - 2] == '\n' || n >= 4 && b[n - 2] == '\r' && b[n - 3] == '\n' && b[n - 4] == '\r')
                || n >= 2 && b[n - 1] == '\r' && b[n - 2] == '\r';
    }

    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != '\n' && b[i] != '\r') {
            i++;
        }
        return i;
    }

    private static int next(byte[] b, int end) {
        if (end < b.length && b[end] == '\r' && end + 1 < b.length && b[end + 1] == '\n') {
            return end + 2;
        }
        return end + 1;
    }

    private static boolean startsWith(byte[] b, int from, int end, String prefix) {
        if (end - from < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (b[from + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] b, int from, int end) {
        return new String(b, from, end - from, StandardCharsets.UTF_8).trim();
    }
}
