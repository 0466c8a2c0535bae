package dev.fairway.sse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream into server-sent events as it arrives (HTML Living Standard, "event stream
 * interpretation"): lines end in CR, LF or CRLF, a blank line ends an event, {@code :} lines are
 * comments. Only the event being read is held, as bytes, so a chunk split inside a UTF-8 character
 * is decoded correctly once the event is complete.
 */
public final class SseFramer {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private String name;
    private boolean hasData;
    private boolean afterCr;
    private final int maxEventBytes;
    private int eventBytes;

    /** @param maxEventBytes largest event accepted; a longer one is an error, not an unbounded buffer */
    public SseFramer(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** The events completed by {@code chunk}, in order. */
    public List<SseEvent> feed(ByteBuffer chunk) {
        List<SseEvent> out = new ArrayList<>(2);
        ByteBuffer in = chunk.duplicate();
        while (in.hasRemaining()) {
            byte b = in.get();
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\r' || b == '\n') {
                afterCr = b == '\r';
                endLine(out);
            } else {
                if (++eventBytes > maxEventBytes) {
                    throw new IllegalStateException("server-sent event over " + maxEventBytes + " bytes");
                }
                line.write(b);
            }
        }
        return out;
    }

    /** An event still unterminated when the stream ends is dispatched, as browsers do not; we are lenient. */
    public List<SseEvent> finish() {
        List<SseEvent> out = new ArrayList<>(1);
        if (line.size() > 0) {
            endLine(out);
        }
        if (hasData) {
            out.add(new SseEvent(name, data.toString()));
        }
        reset();
        return out;
    }

    private void endLine(List<SseEvent> out) {
        if (line.size() == 0) {
            if (hasData) {
                out.add(new SseEvent(name, data.toString()));
            }
            reset();
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> name = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> { } // id and retry mean nothing to a translator
        }
    }

    private void reset() {
        data.setLength(0);
        name = null;
        hasData = false;
        eventBytes = 0;
    }
}
