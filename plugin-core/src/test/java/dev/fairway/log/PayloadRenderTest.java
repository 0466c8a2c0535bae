package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.log.spool.SpoolRecord;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Payloads in a rendered record read back as the text they were, whichever way they were written:
 * ASCII escaped where it lies, anything else decoded first (invalid UTF-8 as U+FFFD), redacted
 * payloads always decoded.
 */
class PayloadRenderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void asciiPayloadsWithEveryCharacterJsonEscapesReadBackExactly() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            all.append(c);
        }
        for (String text : new String[] {"", "a", all.toString(), "data: {\"a\":\"b\\\\c\"}\n\n", "x".repeat(7), "\u0000\u001f\u007f\"\\/",
                "data: {\"choices\":[{\"delta\":{\"content\":\"tab\\there\"}}]}\r\n\r\n".repeat(50)}) {
            assertRoundTrip(text.getBytes(StandardCharsets.US_ASCII), text);
        }
    }

    @Test
    void randomAsciiOfEveryLengthAroundEightByteBoundaries() throws Exception {
        Random random = new Random(22);
        for (int length = 0; length < 80; length++) {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) {
                b[i] = (byte) random.nextInt(128);
            }
            assertRoundTrip(b, new String(b, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void nonAsciiAtAnyOffsetIsDecodedAndInvalidBytesBecomeReplacementCharacters() throws Exception {
        for (int at = 0; at < 20; at++) {
            String text = "a".repeat(at) + "grüezi 你好 \"q\"";
            assertRoundTrip(text.getBytes(StandardCharsets.UTF_8), text);
            byte[] broken = ("a".repeat(at) + "xx").getBytes(StandardCharsets.US_ASCII);
            broken[at] = (byte) 0xC3;
            assertRoundTrip(broken, "a".repeat(at) + "\uFFFDx");
        }
    }

    @Test
    void redactedPayloadsAreStillRedacted() throws Exception {
        byte[] ascii = "{\"content\":\"mail me: jane@example.com\"}".getBytes(StandardCharsets.US_ASCII);
        JsonNode record = render(ascii, ascii, Set.of("email"));
        assertThat(record.get("request_body").asText()).isEqualTo("{\"content\":\"mail me: [redacted:email]\"}");
        assertThat(record.get("response_body").asText()).isEqualTo("{\"content\":\"mail me: [redacted:email]\"}");
    }

    @Test
    void payloadsNotCapturedStayNull() throws Exception {
        JsonNode record = render(null, null, null);
        assertThat(record.path("request_body").isNull() || record.path("request_body").isMissingNode()).isTrue();
    }

    private static void assertRoundTrip(byte[] payload, String expected) throws Exception {
        JsonNode record = render(payload, payload, null);
        assertThat(record.get("request_body").asText()).isEqualTo(expected);
        assertThat(record.get("response_body").asText()).isEqualTo(expected);
    }

    private static JsonNode render(byte[] request, byte[] response, Set<String> redact) throws CharacterCodingException {
        byte[] line = Entries.entry("log-1", 1_764_000_000_000L, request, response, redact)
                .render(new SpoolRecord.Link(1, "0".repeat(64), null, 0));
        // The record itself is always valid UTF-8 with no raw line break.
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line));
        assertThat(new String(line, StandardCharsets.UTF_8)).doesNotContain("\n");
        try {
            return MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(new String(line, StandardCharsets.UTF_8), e);
        }
    }
}
