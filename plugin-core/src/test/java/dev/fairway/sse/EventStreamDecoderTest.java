package dev.fairway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/** Messages framed by AWS's own encoder decode the same, whatever the chunking, and corruption stops the decoder. */
class EventStreamDecoderTest {

    private static byte[] awsMessage(String eventType, String payload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(eventType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        headers.put("x-int", HeaderValue.fromInteger(7));
        headers.put("x-flag", HeaderValue.fromBoolean(true));
        return new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).toByteBuffer().array();
    }

    @Test
    void decodesAwsFramedMessagesAtAnyChunkSize() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(awsMessage("messageStart", "{\"role\":\"assistant\"}"));
        stream.writeBytes(awsMessage("contentBlockDelta", "{\"delta\":{\"text\":\"Grüezi ✓\"}}"));
        stream.writeBytes(awsMessage("metadata", "{\"usage\":{\"inputTokens\":3}}"));
        byte[] body = stream.toByteArray();
        for (int piece : new int[] {1, 2, 11, 12, 13, 64, body.length}) {
            EventStreamDecoder decoder = new EventStreamDecoder();
            List<EventStreamDecoder.Message> out = new ArrayList<>();
            for (int i = 0; i < body.length; i += piece) {
                out.addAll(decoder.feed(ByteBuffer.wrap(body, i, Math.min(piece, body.length - i))));
            }
            assertThat(decoder.atBoundary()).isTrue();
            assertThat(out).extracting(m -> m.header(":event-type")).containsExactly("messageStart", "contentBlockDelta", "metadata");
            assertThat(new String(out.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"delta\":{\"text\":\"Grüezi ✓\"}}");
            assertThat(out.get(0).headers()).doesNotContainKey("x-int").containsEntry(":message-type", "event");
        }
    }

    @Test
    void aMessageCutShortIsNotABoundary() {
        byte[] m = awsMessage("metadata", "{}");
        EventStreamDecoder decoder = new EventStreamDecoder();
        assertThat(decoder.feed(ByteBuffer.wrap(m, 0, m.length - 1))).isEmpty();
        assertThat(decoder.atBoundary()).isFalse();
    }

    @Test
    void aCorruptChecksumStopsTheDecoder() {
        byte[] first = awsMessage("a", "{\"n\":1}");
        first[first.length - 6] ^= 1; // a payload byte: the message CRC no longer matches
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(first);
        stream.writeBytes(awsMessage("b", "{}"));
        EventStreamDecoder decoder = new EventStreamDecoder();
        assertThat(decoder.feed(ByteBuffer.wrap(stream.toByteArray()))).isEmpty();
        assertThat(decoder.failure()).isEqualTo("message checksum mismatch");
    }

    @Test
    void anImpossibleLengthIsRefusedBeforeAnythingIsBuffered() {
        ByteBuffer prelude = ByteBuffer.allocate(12).putInt(Integer.MAX_VALUE).putInt(0).putInt(0);
        EventStreamDecoder decoder = new EventStreamDecoder();
        assertThat(decoder.feed(prelude.flip())).isEmpty();
        assertThat(decoder.failure()).startsWith("message length 2147483647");
    }
}
