package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Bedrock's binary event streams: invoke-with-response-stream and converse-stream. */
class EventStreamUsageTest {
    private static final String TYPE = "application/vnd.amazon.eventstream";

    @Test
    void invokeWithResponseStreamReadsTheInvocationMetrics() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(frame("chunk", wrapped("{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}")));
        stream.writeBytes(frame("chunk", wrapped("{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Grüße\"}}")));
        stream.writeBytes(frame("chunk", wrapped("{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":9}}")));
        stream.writeBytes(frame("chunk", wrapped("{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":"
                + "{\"inputTokenCount\":25,\"outputTokenCount\":9,\"invocationLatency\":812,\"firstByteLatency\":300}}")));
        byte[] body = stream.toByteArray();
        for (int piece : new int[] {1, 5, 13, body.length}) {
            assertThat(UsageGoldenTest.meter(WireFormat.BEDROCK, TYPE, body, piece)).isEqualTo(new Usage(25, 9, 0));
        }
    }

    @Test
    void converseStreamReadsTheMetadataEvent() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(frame("messageStart", "{\"role\":\"assistant\"}"));
        stream.writeBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Salut ✓\"}}"));
        stream.writeBytes(frame("messageStop", "{\"stopReason\":\"end_turn\"}"));
        stream.writeBytes(frame("metadata", "{\"usage\":{\"inputTokens\":41,\"outputTokens\":77,\"totalTokens\":118},\"metrics\":{\"latencyMs\":900}}"));
        byte[] body = stream.toByteArray();
        for (int piece : new int[] {1, 3, 64, body.length}) {
            assertThat(UsageGoldenTest.meter(WireFormat.BEDROCK, TYPE, body, piece)).isEqualTo(new Usage(41, 77, 0));
        }
    }

    private static String wrapped(String event) {
        return "{\"bytes\":\"" + Base64.getEncoder().encodeToString(event.getBytes(StandardCharsets.UTF_8)) + "\",\"p\":\"abcd\"}";
    }

    /** One event-stream message: prelude, CRC, headers (:event-type, :message-type), payload, CRC. */
    static byte[] frame(String eventType, String payload) {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        header(headers, ":event-type", eventType);
        header(headers, ":content-type", "application/json");
        header(headers, ":message-type", "event");
        byte[] h = headers.toByteArray();
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        int total = 12 + h.length + p.length + 4;
        ByteBuffer buf = ByteBuffer.allocate(total);
        buf.putInt(total).putInt(h.length);
        buf.putInt(crc(buf.array(), 0, 8));
        buf.put(h).put(p);
        buf.putInt(crc(buf.array(), 0, total - 4));
        return buf.array();
    }

    private static void header(ByteArrayOutputStream out, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.write(n.length);
        out.writeBytes(n);
        out.write(7);
        out.write(v.length >> 8);
        out.write(v.length & 0xff);
        out.writeBytes(v);
    }

    private static int crc(byte[] bytes, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(bytes, off, len);
        return (int) crc.getValue();
    }
}
