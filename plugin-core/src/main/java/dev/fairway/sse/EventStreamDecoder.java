package dev.fairway.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Cuts AWS's binary event stream ({@code application/vnd.amazon.eventstream}, Bedrock's
 * {@code converse-stream} and {@code invoke-with-response-stream}) into messages as it arrives. A
 * message is: total length and headers length (big-endian int32), a CRC32 of those 8 bytes, the
 * headers ({@code name length, name, type, value}), the payload, and a CRC32 of everything before
 * it. Only the message being read is held, never more than one; a bad length or checksum stops the
 * decoder for good ({@link #failed()}), since nothing after it can be trusted to be framed right.
 */
public final class EventStreamDecoder {
    /** The framing's own limit on one message, headers included. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final int PRELUDE = 12;
    private static final int MIN_MESSAGE = PRELUDE + 4;

    /** One decoded message: its string-valued headers ({@code :event-type}, ...), payload and framed length in bytes. */
    public record Message(Map<String, String> headers, byte[] payload, int length) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private byte[] buffer = new byte[256];
    private int filled;
    private int expected = -1;
    private String failure;

    /** The messages completed by {@code chunk}, in order; none once the stream has failed. */
    public List<Message> feed(ByteBuffer chunk) {
        List<Message> out = new ArrayList<>(1);
        ByteBuffer in = chunk.duplicate();
        while (failure == null && in.hasRemaining()) {
            int want = expected < 0 ? PRELUDE : expected;
            int n = Math.min(want - filled, in.remaining());
            in.get(buffer, filled, n);
            filled += n;
            if (filled < want) {
                break;
            }
            if (expected < 0) {
                readPrelude();
            } else {
                Message m = readMessage();
                if (m != null) {
                    out.add(m);
                }
                filled = 0;
                expected = -1;
            }
        }
        return out;
    }

    /** Why the stream stopped being decoded, or null while it is well formed. */
    public String failure() {
        return failure;
    }

    public boolean failed() {
        return failure != null;
    }

    /** Whether no message is partly read: the stream may end here cleanly. */
    public boolean atBoundary() {
        return filled == 0 && failure == null;
    }

    private void readPrelude() {
        ByteBuffer p = ByteBuffer.wrap(buffer, 0, PRELUDE);
        int total = p.getInt();
        int headers = p.getInt();
        if (total < MIN_MESSAGE || total > MAX_MESSAGE_BYTES || headers < 0 || headers > total - MIN_MESSAGE) {
            failure = String.format("message length %d, headers %d (expected: %d..%d bytes)", total, headers, MIN_MESSAGE, MAX_MESSAGE_BYTES);
            return;
        }
        if (crc(0, 8) != p.getInt()) {
            failure = "prelude checksum mismatch";
            return;
        }
        if (buffer.length < total) {
            byte[] bigger = new byte[Math.max(total, Math.min(MAX_MESSAGE_BYTES, buffer.length * 2))];
            System.arraycopy(buffer, 0, bigger, 0, filled);
            buffer = bigger;
        }
        expected = total;
    }

    private Message readMessage() {
        ByteBuffer m = ByteBuffer.wrap(buffer, 0, expected);
        if (crc(0, expected - 4) != m.getInt(expected - 4)) {
            failure = "message checksum mismatch";
            return null;
        }
        int headersEnd = PRELUDE + m.getInt(4);
        Map<String, String> headers = new HashMap<>(4);
        m.position(PRELUDE);
        try {
            while (m.position() < headersEnd) {
                byte[] name = new byte[m.get() & 0xff];
                m.get(name);
                String value = value(m);
                if (value != null) {
                    headers.put(new String(name, StandardCharsets.UTF_8), value);
                }
            }
        } catch (RuntimeException e) {
            failure = "malformed headers";
            return null;
        }
        if (m.position() != headersEnd) {
            failure = "malformed headers";
            return null;
        }
        byte[] payload = new byte[expected - 4 - headersEnd];
        System.arraycopy(buffer, headersEnd, payload, 0, payload.length);
        return new Message(Map.copyOf(headers), payload, expected);
    }

    /** Reads one header value: strings are kept, the other types skipped (Bedrock sends only strings). */
    private static String value(ByteBuffer m) {
        int type = m.get();
        switch (type) {
            case 0, 1 -> { return null; }
            case 2 -> m.position(m.position() + 1);
            case 3 -> m.position(m.position() + 2);
            case 4 -> m.position(m.position() + 4);
            case 5, 8 -> m.position(m.position() + 8);
            case 9 -> m.position(m.position() + 16);
            case 6, 7 -> {
                byte[] v = new byte[m.getShort() & 0xffff];
                m.get(v);
                return type == 7 ? new String(v, StandardCharsets.UTF_8) : null;
            }
            default -> throw new IllegalArgumentException("header type " + type);
        }
        return null;
    }

    private int crc(int from, int length) {
        CRC32 c = new CRC32();
        c.update(buffer, from, length);
        return (int) c.getValue();
    }
}
