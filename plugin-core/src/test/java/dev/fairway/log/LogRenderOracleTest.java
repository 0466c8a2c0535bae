package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.log.spool.Line;
import dev.fairway.log.spool.SpoolRecord.Link;
import dev.fairway.pipeline.GuardrailFinding;
import dev.fairway.pipeline.SessionEvents;
import dev.fairway.pipeline.Usage;
import dev.fairway.plan.Choices;
import dev.fairway.plan.FlowRoute;
import dev.fairway.plan.ModelHop;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A record's line is byte for byte what it was before its payloads were escaped eight bytes at a
 * time into the writer's line ({@link LogEntryOracle} keeps the code that rendered it then): the
 * hash chain and the exports are computed over these bytes.
 */
class LogRenderOracleTest {
    private static final Link LINK = new Link(7, "ab".repeat(32), "log-6", 0);

    @Test
    void everyAsciiByteAtEveryPositionOfPayloadsAroundAWord() {
        for (int length : new int[] {1, 7, 8, 9, 15, 16, 17, 24}) {
            for (int at = 0; at < length; at++) {
                for (int b = 0; b < 128; b++) {
                    byte[] payload = new byte[length];
                    // Filler that itself needs escaping now and then, so an escape sits beside others.
                    for (int i = 0; i < length; i++) {
                        payload[i] = (byte) ("ab\"cd\\e\nf".charAt(i % 10 == 9 ? 2 : i % 9));
                    }
                    payload[at] = (byte) b;
                    assertSame(entry(payload, "x".getBytes(StandardCharsets.US_ASCII), null), LINK);
                    Arrays.fill(payload, (byte) 'q');
                    payload[at] = (byte) b;
                    assertSame(entry("x".getBytes(StandardCharsets.US_ASCII), payload, null), LINK);
                }
            }
        }
    }

    @Test
    void randomAsciiPayloadsOfEveryShortLength() {
        Random random = new Random(2222);
        for (int length = 0; length < 300; length++) {
            assertSame(entry(randomAscii(random, length, 0.3), randomAscii(random, length, 0.05), null), LINK);
        }
    }

    @Test
    void longPayloadsPastEveryBufferOnTheWay() {
        Random random = new Random(7);
        // Past Jackson's 8000-byte buffer, the writer's 64 KiB line and its 1 MiB cap.
        for (int length : new int[] {4095, 4096, 4097, 8000, 8001, 20_000, 65_536, 70_001, 300_000, 1_200_000}) {
            assertSame(entry(randomAscii(random, length, 0.2), randomAscii(random, length, 0.01), null), LINK);
        }
        // The worst case: every byte a six-byte escape.
        byte[] controls = new byte[100_000];
        Arrays.fill(controls, (byte) 1);
        assertSame(entry(controls, controls, null), LINK);
    }

    @Test
    void aStreamedAnswerAsTheMockProviderSendsIt() {
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < 52; i++) {
            sse.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
                    + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word ")
                    .append(i).append(" \\\"q\\\"\\n\"},\"finish_reason\":null}]}\n\n");
        }
        sse.append("data: [DONE]\n\n");
        byte[] request = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\\tthere/\u007f\"}]}"
                .getBytes(StandardCharsets.US_ASCII);
        assertSame(entry(request, sse.toString().getBytes(StandardCharsets.US_ASCII), null), LINK);
    }

    @Test
    void nonAsciiRedactedNullAndEmptyPayloadsAreRenderedAsBefore() {
        byte[] utf8 = "grüezi \"你好\"\n\u0001".getBytes(StandardCharsets.UTF_8);
        byte[] broken = {'a', '"', (byte) 0xC3, 'x', '\n'};
        byte[] ascii = "{\"content\":\"mail me: jane@example.com\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] empty = new byte[0];
        byte[][] payloads = {null, empty, utf8, broken, ascii};
        for (byte[] request : payloads) {
            for (byte[] response : payloads) {
                assertSame(entry(request, response, null), LINK);
                assertSame(entry(request, response, Set.of("email")), LINK);
            }
        }
    }

    @Test
    void everyOptionalFieldAroundThePayloads() {
        byte[] payload = "data: {\"a\":\"b\\\\c\"}\n\n".getBytes(StandardCharsets.US_ASCII);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("tenant", "ac\"me");
        metadata.put("n", 3L);
        metadata.put("i", 4);
        metadata.put("d", 0.5);
        metadata.put("b", true);
        metadata.put("none", null);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-odd", "a\tb");
        FlowRoute flow = new FlowRoute("support", 3, "paid", List.of(new ModelHop("paid", "openai", "gpt-4o", null, null)),
                FlowRoute.Charges.NONE);
        LogEntry full = new LogEntry("log-7", "evt-7", 1_764_000_000_123L, 12_345_678, -1, "default", "openai", "gpt-4o-mini",
                "POST", "/v1/chat/completions", 502, false, true, 2, 3, "upstream_error", null, null, true,
                metadata, 42, 1024, true, "c0ffee", headers, payload, payload, true, Redactor.NONE, true,
                List.of("note-1", "note \"2\""), List.of(new GuardrailFinding("pii", GuardrailFinding.Where.REQUEST,
                        GuardrailFinding.Action.FLAG, 2)), flow, new Choices("support-answer", 1, "exp", "b"), "member-1",
                new SessionEvents(4, 9, 1000, "client"), 0.91234);
        for (Link link : new Link[] {LINK, new Link(1, "0".repeat(64), null, 0), new Link(9, "cd".repeat(32), "log-8", 17)}) {
            assertSame(full, link);
        }
    }

    @Test
    void renderingIntoALineAppendsToWhatItHolds() {
        LogEntry entry = entry("a\"b".getBytes(StandardCharsets.US_ASCII), "c\nd".getBytes(StandardCharsets.US_ASCII), null);
        Line line = new Line(4);
        line.write("prefix".getBytes(StandardCharsets.US_ASCII), 0, 6);
        entry.render(LINK, line);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("prefix".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(LogEntryOracle.render(entry, LINK));
        assertThat(line.toByteArray()).isEqualTo(expected.toByteArray());
    }

    private static void assertSame(LogEntry entry, Link link) {
        byte[] expected = LogEntryOracle.render(entry, link);
        byte[] actual = entry.render(link);
        if (!Arrays.equals(actual, expected)) {
            // Strings say where they part; the arrays alone would not.
            assertThat(new String(actual, StandardCharsets.ISO_8859_1)).isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
        }
        // The writer's way: into a reused line, cleared before each record.
        Line line = new Line(16);
        line.write(new byte[40], 0, 40);
        line.clear();
        entry.render(link, line);
        assertThat(line.toByteArray()).isEqualTo(expected);
    }

    private static byte[] randomAscii(Random random, int length, double escapes) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = random.nextDouble() < escapes ? (byte) "\"\\\n\r\t\u0000\u001f\b\f".charAt(random.nextInt(9))
                    : (byte) (random.nextInt(128));
        }
        return b;
    }

    private static LogEntry entry(byte[] request, byte[] response, Set<String> redact) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("tenant", "acme");
        return new LogEntry("log-7", "evt-7", 1_764_000_000_000L, 12_345_678, 1_000_000, "default", "openai", "gpt-4o-mini",
                "POST", "/v1/chat/completions", 200, true, false, 0, 1, null, new Usage(10, 20, 0), 0.0000135, false,
                metadata, 42, 1024, false, "c0ffee", Map.of("content-type", "application/json"), request, response, false,
                redact == null ? Redactor.NONE : Redactor.of(redact));
    }
}
