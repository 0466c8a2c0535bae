package dev.fairway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Reads usage from Bedrock's streamed answers ({@code application/vnd.amazon.eventstream}): binary
 * frames of {@code total length, headers length, prelude CRC, headers, payload, CRC}. Only the
 * current frame is held. A payload is either a converse event ({@code metadata} carries
 * {@code usage}) or {@code {"bytes": base64}} wrapping an Anthropic stream event, the last of which
 * also carries {@code amazon-bedrock-invocationMetrics}.
 */
final class EventStreamUsageScanner {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    // The protocol's own limit on one message.
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    private final UsageNumbers total = new UsageNumbers();
    private byte[] frame = new byte[0];
    private int filled;
    private int expected = -1;
    private boolean failed;

    void feed(ByteBuffer chunk) {
        ByteBuffer in = chunk.duplicate();
        while (!failed && in.hasRemaining()) {
            if (expected < 0) {
                ensure(12);
                int n = Math.min(12 - filled, in.remaining());
                in.get(frame, filled, n);
                filled += n;
                if (filled < 12) {
                    return;
                }
                expected = ByteBuffer.wrap(frame, 0, 4).getInt();
                if (expected < 16 || expected > MAX_FRAME) {
                    failed = true;
                    return;
                }
                ensure(expected);
            }
            int n = Math.min(expected - filled, in.remaining());
            in.get(frame, filled, n);
            filled += n;
            if (filled == expected) {
                onFrame();
                filled = 0;
                expected = -1;
            }
        }
    }

    private void ensure(int size) {
        if (frame.length < size) {
            byte[] bigger = new byte[Math.max(size, Math.min(MAX_FRAME, frame.length * 2))];
            System.arraycopy(frame, 0, bigger, 0, filled);
            frame = bigger;
        }
    }

    private void onFrame() {
        int headersLength = ByteBuffer.wrap(frame, 4, 4).getInt();
        int payloadStart = 12 + headersLength;
        int payloadLength = expected - payloadStart - 4;
        if (headersLength < 0 || payloadLength <= 0) {
            return;
        }
        JsonUsageScanner direct = new JsonUsageScanner();
        direct.feed(frame, payloadStart, payloadLength);
        direct.end();
        total.putAll(direct.numbers());
        try {
            JsonNode payload = MAPPER.readTree(frame, payloadStart, payloadLength);
            JsonNode wrapped = payload.get("bytes");
            if (wrapped != null && wrapped.isTextual()) {
                byte[] inner = Base64.getDecoder().decode(wrapped.asText());
                JsonUsageScanner event = new JsonUsageScanner();
                event.feed(inner, 0, inner.length);
                event.end();
                total.putAll(event.numbers());
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            // Not JSON, or not a wrapped event: there is nothing more to read in it.
        }
    }

    UsageNumbers numbers() {
        return total;
    }
}
