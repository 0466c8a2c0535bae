package dev.fairway.mock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * One message of AWS's binary event stream ({@code application/vnd.amazon.eventstream}), as Bedrock's
 * streaming APIs send it: a prelude (total length, headers length, both big-endian int32), the
 * prelude's CRC32, the headers (name length byte, name, type 7 = string, value length int16, value),
 * the payload and a CRC32 of everything before it.
 */
final class EventStreamMessage {
    private static final byte STRING = 7;

    private EventStreamMessage() {}

    /** An {@code event} message: {@code :event-type}, {@code :content-type}, {@code :message-type}. */
    static byte[] event(String eventType, byte[] payload) {
        return encode(Map.of(":event-type", eventType, ":content-type", "application/json", ":message-type", "event"), payload);
    }

    /** An {@code exception} message, as Bedrock ends a stream that failed after it began. */
    static byte[] exception(String exceptionType, byte[] payload) {
        return encode(Map.of(":exception-type", exceptionType, ":content-type", "application/json", ":message-type", "exception"), payload);
    }

    static byte[] encode(Map<String, String> headers, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        // Sorted, so that the same message is the same bytes every time.
        headers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            h.write(name.length);
            h.writeBytes(name);
            h.write(STRING);
            h.write(value.length >> 8);
            h.write(value.length & 0xff);
            h.writeBytes(value);
        });
        byte[] headerBytes = h.toByteArray();
        int total = 12 + headerBytes.length + payload.length + 4;
        ByteBuffer buf = ByteBuffer.allocate(total);
        buf.putInt(total).putInt(headerBytes.length);
        buf.putInt(crc(buf.array(), 8));
        buf.put(headerBytes).put(payload);
        buf.putInt(crc(buf.array(), total - 4));
        return buf.array();
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
