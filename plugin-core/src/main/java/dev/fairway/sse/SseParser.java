package dev.fairway.sse;

import static java.util.Objects.requireNonNull;

import dev.fairway.bytes.ByteSearch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one reader of {@code text/event-stream} bytes (HTML Living Standard, "event stream
 * interpretation"): fed chunks split anywhere (mid-line, mid-event, inside a UTF-8 character), it
 * hands each event to its {@link Handler} as soon as the blank line ending it arrives. Lines end in
 * CR, LF or CRLF (a CRLF split across chunks is one line end); a leading byte order mark is dropped;
 * {@code :} lines are comments; {@code data} lines are joined by LF; {@code event}, {@code id} and
 * {@code retry} follow the standard. Only the current line and the current event's data are held,
 * as bytes, so a split UTF-8 character is whole again by the time anyone decodes it.
 *
 * <p>A line or event longer than the bound stops the parser for good ({@link #failure()}): a
 * provider's stream never needs that much, and an unbounded buffer is what a broken or hostile
 * upstream would otherwise get. Not thread-safe: one parser reads one stream.
 */
public final class SseParser {
    /** What a consumer does with the stream's events. */
    public interface Handler {
        void event(SseEvent event);

        /**
         * The event as the parser holds it: {@code data[0, length)} is only valid during the call (the
         * parser reuses the array). A consumer that reads each event and keeps nothing of it overrides
         * this to spare one copy and one object per event; by default the event is copied out.
         */
        default void event(String name, byte[] data, int length, String id, long end) {
            event(new SseEvent(name, Arrays.copyOf(data, length), id, end));
        }

        /** A blank line that dispatched nothing (after comments, or an id or retry alone); {@code end} is the offset past it. */
        default void blank(long end) {
        }
    }

    private static final byte[] DATA = ascii("data");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] ID = ascii("id");
    private static final byte[] RETRY = ascii("retry");
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final int maxBytes;
    private final Handler handler;
    private byte[] line = new byte[128];
    private int lineLength;
    private byte[] data = new byte[256];
    private int dataLength;
    private boolean hasData;
    private String name;
    private String id = "";
    private long retry = -1;
    private boolean afterCr;
    private int bomSeen;
    private long offset;
    private String failure;

    /** @param maxBytes the longest line and the most data one event may carry */
    public SseParser(int maxBytes, Handler handler) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException(String.format("maxBytes: %d (expected: >= 1)", maxBytes));
        }
        this.maxBytes = maxBytes;
        this.handler = requireNonNull(handler, "handler");
    }

    /** Reads {@code chunk} (its position is left as it was), dispatching every event it completes. */
    public void feed(ByteBuffer chunk) {
        // Absolute reads only: neither the chunk's position nor a duplicate of it is needed.
        int pos = chunk.position();
        int limit = chunk.limit();
        while (failure == null && pos < limit) {
            if (bomSeen < BOM.length) {
                if (chunk.get(pos) == BOM[bomSeen]) {
                    pos++;
                    offset++;
                    bomSeen++;
                    continue;
                }
                // Not a byte order mark after all: what looked like the start of one is line text.
                int held = bomSeen;
                bomSeen = BOM.length;
                appendLine(BOM, 0, held);
                continue;
            }
            byte b = chunk.get(pos);
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    pos++;
                    offset++;
                    continue;
                }
            }
            if (b == '\r' || b == '\n') {
                pos++;
                offset++;
                afterCr = b == '\r';
                endLine();
                continue;
            }
            // Copy the run of line bytes up to the next line end (or the chunk's end) in one go.
            int to = ByteSearch.indexOf(chunk, pos + 1, limit, (byte) '\r', (byte) '\n');
            if (to < 0) {
                to = limit;
            }
            appendLine(chunk, pos, to - pos);
            offset += to - pos;
            pos = to;
        }
    }

    /**
     * The stream has ended. A last event that lacks its blank line is dispatched anyway: browsers drop
     * it, but a provider that closes right after its final data line still meant it.
     */
    public void finish() {
        if (failure != null) {
            return;
        }
        if (bomSeen > 0 && bomSeen < BOM.length) {
            appendLine(BOM, 0, bomSeen);
            bomSeen = BOM.length;
        }
        if (lineLength > 0) {
            endLine();
        }
        if (hasData) {
            dispatch();
        }
    }

    /** Whether no line or event is partly read: the stream may end here cleanly. */
    public boolean atBoundary() {
        return failure == null && lineLength == 0 && !hasData && name == null;
    }

    /** Why the stream stopped being read, or null while it is within bounds. */
    public String failure() {
        return failure;
    }

    public boolean failed() {
        return failure != null;
    }

    /** The reconnection time the stream last asked for in milliseconds, or -1 when it never did. */
    public long retry() {
        return retry;
    }

    /** Bytes read so far. */
    public long offset() {
        return offset;
    }

    private void appendLine(ByteBuffer src, int from, int n) {
        if (room(n)) {
            src.get(from, line, lineLength, n);
            lineLength += n;
        }
    }

    private void appendLine(byte[] src, int from, int n) {
        if (room(n)) {
            System.arraycopy(src, from, line, lineLength, n);
            lineLength += n;
        }
    }

    /** Whether the line may grow by {@code n} bytes (it then has room for them); false once the line is too long. */
    private boolean room(int n) {
        if (lineLength + n > maxBytes) {
            fail(String.format("a line over %d bytes", maxBytes));
            return false;
        }
        if (line.length < lineLength + n) {
            line = Arrays.copyOf(line, Math.min(maxBytes, Math.max(lineLength + n, line.length * 2)));
        }
        return true;
    }

    private void endLine() {
        int n = lineLength;
        lineLength = 0;
        if (n == 0) {
            if (hasData) {
                dispatch();
            } else {
                name = null;
                handler.blank(offset);
            }
            return;
        }
        if (line[0] == ':') {
            return;
        }
        int colon = indexOf(line, n, (byte) ':');
        int fieldEnd = colon < 0 ? n : colon;
        int value = colon < 0 ? n : colon + 1;
        if (value < n && line[value] == ' ') {
            value++;
        }
        if (is(DATA, fieldEnd)) {
            addData(value, n);
        } else if (is(EVENT, fieldEnd)) {
            name = value == n ? null : sameOr(name, value, n);
        } else if (is(ID, fieldEnd)) {
            if (indexOf(line, n, (byte) 0) < 0) {
                id = sameOr(id, value, n);
            }
        } else if (is(RETRY, fieldEnd)) {
            retry(value, n);
        }
        // Any other field is ignored, as the standard says.
    }

    private void addData(int from, int to) {
        int n = to - from + (hasData ? 1 : 0);
        if (dataLength + n > maxBytes) {
            fail(String.format("an event over %d bytes", maxBytes));
            return;
        }
        if (data.length < dataLength + n) {
            data = Arrays.copyOf(data, Math.min(maxBytes, Math.max(dataLength + n, data.length * 2)));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, from, data, dataLength, to - from);
        dataLength += to - from;
        hasData = true;
    }

    private void retry(int from, int to) {
        if (from == to || to - from > 18) {
            return; // empty, or more than a long holds: not a time anyone can wait
        }
        long ms = 0;
        for (int i = from; i < to; i++) {
            byte c = line[i];
            if (c < '0' || c > '9') {
                return;
            }
            ms = ms * 10 + (c - '0');
        }
        retry = ms;
    }

    private void dispatch() {
        String eventName = name;
        int length = dataLength;
        dataLength = 0;
        hasData = false;
        name = null;
        // The data array is only appended to again after the handler returns.
        handler.event(eventName, data, length, id, offset);
    }

    private void fail(String why) {
        failure = why;
        lineLength = 0;
        dataLength = 0;
        hasData = false;
    }

    /** The string of line bytes {@code [from, to)}; {@code current} itself when it spells the same, so a repeated name costs nothing. */
    private String sameOr(String current, int from, int to) {
        if (current != null && current.length() == to - from) {
            boolean same = true;
            for (int i = from; i < to && same; i++) {
                same = line[i] >= 0 && line[i] == current.charAt(i - from);
            }
            if (same) {
                return current;
            }
        }
        return new String(line, from, to - from, StandardCharsets.UTF_8);
    }

    private boolean is(byte[] field, int length) {
        return length == field.length && Arrays.equals(line, 0, length, field, 0, length);
    }

    private static int indexOf(byte[] b, int n, byte c) {
        for (int i = 0; i < n; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
