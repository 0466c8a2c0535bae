package dev.fairway.usage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Reads usage from a server-sent event stream fed in pieces split anywhere (mid-line, mid-event,
 * mid-UTF-8). It keeps no event text: the data of an event that may carry usage goes straight into
 * a {@link JsonUsageScanner}; events whose name says they cannot (Anthropic's text deltas) are
 * skipped as they pass.
 */
final class SseUsageScanner {
    private static final int MAX_NAME = 64;

    private enum State { LINE_START, FIELD, VALUE_START, VALUE }

    private final Predicate<String> mayCarryUsage;
    private final UsageNumbers total = new UsageNumbers();
    private final StringBuilder field = new StringBuilder(8);
    private final byte[] eventName = new byte[MAX_NAME];
    private int eventNameLength;
    private State state = State.LINE_START;
    private boolean afterCr;
    private JsonUsageScanner data;
    private boolean skipEvent;
    private int dataLines;

    /** @param mayCarryUsage given the event's name (null when it has none), whether to read its data */
    SseUsageScanner(Predicate<String> mayCarryUsage) {
        this.mayCarryUsage = mayCarryUsage;
    }

    void feed(ByteBuffer chunk) {
        ByteBuffer in = chunk.duplicate();
        while (in.hasRemaining()) {
            int start = in.position();
            byte b = in.get();
            if (afterCr && b == '\n') {
                afterCr = false;
                continue;
            }
            afterCr = b == '\r';
            boolean eol = b == '\n' || b == '\r';
            switch (state) {
                case LINE_START -> {
                    if (eol) {
                        endEvent();
                    } else {
                        field.setLength(0);
                        field.append((char) b);
                        state = b == ':' ? State.VALUE : State.FIELD;
                        if (b == ':') {
                            field.setLength(0);
                        }
                    }
                }
                case FIELD -> {
                    if (eol) {
                        state = State.LINE_START;
                    } else if (b == ':') {
                        state = State.VALUE_START;
                        startValue();
                    } else if (field.length() < 16) {
                        field.append((char) b);
                    }
                }
                case VALUE_START, VALUE -> {
                    if (eol) {
                        state = State.LINE_START;
                        continue;
                    }
                    if (state == State.VALUE_START) {
                        state = State.VALUE;
                        if (b == ' ') {
                            continue;
                        }
                    }
                    // Take the rest of the line up to its end in one piece.
                    int end = start + 1;
                    while (in.hasRemaining()) {
                        byte c = in.get(in.position());
                        if (c == '\n' || c == '\r') {
                            break;
                        }
                        in.get();
                        end++;
                    }
                    value(start, end, in);
                }
            }
        }
    }

    private void startValue() {
        String name = field.toString();
        if (name.equals("event")) {
            eventNameLength = 0;
        } else if (name.equals("data")) {
            if (data == null && !skipEvent) {
                String ev = eventNameLength == 0 ? null : new String(eventName, 0, eventNameLength, StandardCharsets.UTF_8);
                if (mayCarryUsage.test(ev)) {
                    data = new JsonUsageScanner();
                } else {
                    skipEvent = true;
                }
            }
            if (data != null && dataLines++ > 0) {
                data.feed(new byte[] {'\n'}, 0, 1);
            }
        }
    }

    private void value(int from, int to, ByteBuffer in) {
        String name = field.toString();
        if (name.equals("data") && data != null) {
            ByteBuffer slice = in.duplicate();
            slice.limit(to).position(from);
            data.feed(slice);
        } else if (name.equals("event")) {
            for (int i = from; i < to && eventNameLength < MAX_NAME; i++) {
                eventName[eventNameLength++] = in.get(i);
            }
        }
    }

    private void endEvent() {
        if (data != null) {
            data.end();
            total.putAll(data.numbers());
        }
        data = null;
        skipEvent = false;
        dataLines = 0;
        eventNameLength = 0;
    }

    /** Usage reported by the events seen so far (an unterminated last event included). */
    UsageNumbers numbers() {
        if (data != null) {
            endEvent();
        }
        return total;
    }
}
