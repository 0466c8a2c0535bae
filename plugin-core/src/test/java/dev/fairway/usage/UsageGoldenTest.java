package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Usage read from recorded provider answers, fed in pieces split at every kind of boundary. */
class UsageGoldenTest {
    private static final String SSE = "text/event-stream";
    private static final String JSON = "application/json";

    static Stream<Arguments> goldens() {
        return Stream.of(
                Arguments.of("openai-chat.json", WireFormat.OPENAI, JSON, new Usage(2006, 300, 1920)),
                Arguments.of("openai-chat-stream.sse", WireFormat.OPENAI, SSE, new Usage(19, 10, 0)),
                Arguments.of("openai-responses.json", WireFormat.OPENAI, JSON, new Usage(36, 87, 12)),
                Arguments.of("openai-responses-stream.sse", WireFormat.OPENAI, SSE, new Usage(37, 11, 0)),
                Arguments.of("openai-embeddings.json", WireFormat.OPENAI, JSON, new Usage(8, 0, 0)),
                Arguments.of("mistral-stream.sse", WireFormat.OPENAI, SSE, new Usage(10, 4, 0)),
                // Anthropic's input_tokens leave out cache reads and writes; ours include them.
                Arguments.of("anthropic-messages.json", WireFormat.ANTHROPIC, JSON, new Usage(1921, 42, 1800)),
                Arguments.of("anthropic-stream.sse", WireFormat.ANTHROPIC, SSE, new Usage(672, 15, 200)),
                // A tool's arguments may hold a "usage" object of their own: only the answer's counts.
                Arguments.of("anthropic-tool-use.json", WireFormat.ANTHROPIC, JSON, new Usage(410, 96, 0)),
                // Thinking tokens count as output.
                Arguments.of("google-generate.json", WireFormat.GOOGLE, JSON, new Usage(1200, 91, 1024)),
                Arguments.of("google-stream.sse", WireFormat.GOOGLE, SSE, new Usage(9, 31, 0)),
                Arguments.of("google-stream-array.json", WireFormat.GOOGLE, JSON, new Usage(7, 20, 0)),
                Arguments.of("cohere-v2-chat.json", WireFormat.COHERE, JSON, new Usage(5, 418, 0)),
                Arguments.of("cohere-v2-stream.sse", WireFormat.COHERE, SSE, new Usage(3, 12, 0)),
                Arguments.of("cohere-v1-chat.json", WireFormat.COHERE, JSON, new Usage(17, 4, 0)),
                Arguments.of("bedrock-invoke.json", WireFormat.BEDROCK, JSON, new Usage(13, 7, 0)),
                Arguments.of("bedrock-converse.json", WireFormat.BEDROCK, JSON, new Usage(30, 628, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void readsUsageWhateverTheSplit(String file, WireFormat format, String contentType, Usage expected) throws IOException {
        byte[] body = golden(file);
        for (int piece : new int[] {1, 2, 3, 7, 64, body.length}) {
            assertThat(meter(format, contentType, body, piece)).as("%s in pieces of %d bytes", file, piece).isEqualTo(expected);
        }
        Random random = new Random(file.hashCode());
        for (int round = 0; round < 20; round++) {
            assertThat(meterRandom(format, contentType, body, random)).as("%s, random split %d", file, round).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void aBodyWithItsContentLengthReadsTheSameWholeOrInPieces(String file, WireFormat format, String contentType, Usage expected)
            throws IOException {
        byte[] body = golden(file);
        for (int piece : new int[] {body.length, 7}) {
            UsageMeter meter = newMeter(format);
            meter.onHeaders(200, Headers.of("content-type", contentType, "content-length", Integer.toString(body.length)));
            for (int i = 0; i < body.length; i += piece) {
                meter.onChunk(ByteBuffer.wrap(body, i, Math.min(piece, body.length - i)).slice());
            }
            meter.onEnd(true);
            assertThat(meter.usage()).as("%s in pieces of %d bytes", file, piece).isEqualTo(expected);
            assertThat(meter.report()).as("%s in pieces of %d bytes", file, piece).isEqualTo(meterReport(format, contentType, body));
        }
    }

    @org.junit.jupiter.api.Test
    void bytesPastTheContentLengthMakeTheBodyUnreadableNotMiscounted() throws IOException {
        byte[] body = golden("openai-chat.json");
        java.util.concurrent.atomic.AtomicInteger unreadable = new java.util.concurrent.atomic.AtomicInteger();
        Readings readings = new Readings() {
            @Override
            public void metered(Usage usage, Double costUsd, dev.fairway.pipeline.AnswerReport report) {
            }

            @Override
            public void unreadable() {
                unreadable.incrementAndGet();
            }
        };
        UsageMeter meter = new UsageMeter(WireFormat.OPENAI, "p", "m", null, PriceTable.shippedOnly(), null, null, readings);
        meter.onHeaders(200, Headers.of("content-type", JSON, "content-length", Integer.toString(body.length)));
        meter.onChunk(ByteBuffer.wrap(body));
        meter.onChunk(ByteBuffer.wrap("{\"usage\":{\"prompt_tokens\":1}}".getBytes(StandardCharsets.UTF_8)));
        meter.onEnd(true);
        assertThat(unreadable).hasValue(1);
    }

    /** The answer's report read in pieces of 3 bytes, without a length: the reference for the whole-body read. */
    private static dev.fairway.pipeline.AnswerReport meterReport(WireFormat format, String contentType, byte[] body) {
        UsageMeter meter = newMeter(format);
        meter.onHeaders(200, Headers.of("content-type", contentType));
        for (int i = 0; i < body.length; i += 3) {
            meter.onChunk(ByteBuffer.wrap(body, i, Math.min(3, body.length - i)).slice());
        }
        meter.onEnd(true);
        return meter.report();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void crlfLineEndingsReadTheSame(String file, WireFormat format, String contentType, Usage expected) throws IOException {
        byte[] body = new String(golden(file), StandardCharsets.UTF_8).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(meter(format, contentType, body, 5)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void errorAnswersReportNoUsage(String file, WireFormat format, String contentType, Usage expected) throws IOException {
        UsageMeter meter = newMeter(format);
        meter.onHeaders(500, Headers.of("content-type", contentType));
        meter.onChunk(ByteBuffer.wrap(golden(file)));
        meter.onEnd(true);
        assertThat(meter.usage()).isNull();
    }

    @org.junit.jupiter.api.Test
    void answerWithoutUsageReportsNone() {
        byte[] body = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hi\"}}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(meter(WireFormat.OPENAI, JSON, body, 3)).isNull();
        assertThat(meter(WireFormat.OPENAI, JSON, "not json at all".getBytes(StandardCharsets.UTF_8), 3)).isNull();
    }

    @org.junit.jupiter.api.Test
    void streamCutMidEventKeepsWhatWasComplete() throws IOException {
        byte[] body = golden("anthropic-stream.sse");
        String text = new String(body, StandardCharsets.UTF_8);
        byte[] cut = text.substring(0, text.indexOf("event: message_delta") + 40).getBytes(StandardCharsets.UTF_8);
        assertThat(meter(WireFormat.ANTHROPIC, SSE, cut, 4)).isEqualTo(new Usage(672, 2, 200));
    }

    static Usage meter(WireFormat format, String contentType, byte[] body, int piece) {
        UsageMeter meter = newMeter(format);
        meter.onHeaders(200, Headers.of("content-type", contentType));
        for (int i = 0; i < body.length; i += piece) {
            meter.onChunk(ByteBuffer.wrap(body, i, Math.min(piece, body.length - i)).slice());
        }
        meter.onEnd(true);
        return meter.usage();
    }

    private static Usage meterRandom(WireFormat format, String contentType, byte[] body, Random random) {
        UsageMeter meter = newMeter(format);
        meter.onHeaders(200, Headers.of("content-type", contentType + "; charset=utf-8"));
        int i = 0;
        while (i < body.length) {
            int n = Math.min(1 + random.nextInt(40), body.length - i);
            // A direct buffer, as Netty hands them over.
            ByteBuffer chunk = ByteBuffer.allocateDirect(n);
            chunk.put(body, i, n).flip();
            meter.onChunk(chunk);
            i += n;
        }
        meter.onEnd(true);
        return meter.usage();
    }

    static UsageMeter newMeter(WireFormat format) {
        return new UsageMeter(format, "p", "m", null, PriceTable.shippedOnly(), null, null, Readings.NONE);
    }

    static byte[] golden(String file) throws IOException {
        try (InputStream in = UsageGoldenTest.class.getResourceAsStream("/dev/fairway/usage/" + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        }
    }
}
