package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A strict reader of SSE text: every event must end with a blank line, as the providers send them. */
record Sse(String event, String data) {

    JsonNode json() {
        return Http.parse(data);
    }

    static List<Sse> parse(String text) {
        List<Sse> events = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf("\n\n", start);
            if (end < 0) {
                throw new AssertionError("unterminated SSE event: " + text.substring(start));
            }
            String event = null;
            String data = null;
            for (String line : text.substring(start, end).split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    if (data != null) {
                        throw new AssertionError("the mock never sends multi-line data: " + line);
                    }
                    data = line.substring(6);
                } else {
                    throw new AssertionError("unexpected SSE line: " + line);
                }
            }
            events.add(new Sse(event, data));
            start = end + 2;
        }
        return events;
    }
}
