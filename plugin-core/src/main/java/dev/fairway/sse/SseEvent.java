package dev.fairway.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One server-sent event as {@link SseParser} dispatches it.
 *
 * @param name the event type, or {@code null} when the stream gave none ({@code message} to a browser)
 * @param data the data lines joined by LF, as UTF-8 bytes: consumers parse JSON straight from them
 * @param id the last event id in force when the event was dispatched ({@code ""} when none was ever set)
 * @param end the stream offset just past the blank line that ended the event, so that a consumer
 *     passing the raw bytes on knows where the event's bytes stop. When that line ends in CRLF the
 *     offset is past its CR (the LF may not have arrived yet) and the LF opens the next range; the
 *     ranges still cover the stream in order, and leaving one out keeps the rest well framed
 */
public record SseEvent(String name, byte[] data, String id, long end) {
    public SseEvent {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(id, "id");
    }

    /** An event to write: {@code data} may hold LFs, each becoming its own {@code data:} line. */
    public SseEvent(String name, String data) {
        this(name, data.getBytes(StandardCharsets.UTF_8), "", 0);
    }

    /** The data decoded as UTF-8 (a new string each call: consumers that can read bytes should). */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    public byte[] encode() {
        String text = text();
        StringBuilder sb = new StringBuilder(text.length() + 32);
        if (name != null) {
            sb.append("event: ").append(name).append('\n');
        }
        for (String line : text.split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    // The data is an array: equality is by content, so that events compare as values in tests and logs.
    @Override
    public boolean equals(Object o) {
        return o instanceof SseEvent e && Objects.equals(name, e.name) && Arrays.equals(data, e.data) && id.equals(e.id) && end == e.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(data), id, end);
    }

    @Override
    public String toString() {
        return "SseEvent[name=" + name + ", data=" + text() + ", id=" + id + ", end=" + end + "]";
    }
}
