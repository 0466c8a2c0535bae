package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.AnswerReport;
import dev.fairway.provider.WireFormat;
import dev.fairway.sse.SseParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: the meter reads the answering model and the finish reasons (gen_ai.response.model,
 * gen_ai.response.finish_reasons) from every format's real answers, JSON and streamed, fed in
 * pieces of any size; and its shortcut that passes stream events over without parsing never
 * passes over one holding a finish reason.
 */
class AnswerReportGoldenTest {
    private static final String SSE = "text/event-stream";
    private static final String JSON = "application/json";

    static Stream<Arguments> goldens() {
        return Stream.of(
                Arguments.of("openai-chat.json", WireFormat.OPENAI, JSON, "gpt-4o-2024-08-06", List.of("stop")),
                Arguments.of("openai-chat-stream.sse", WireFormat.OPENAI, SSE, "gpt-4o-mini-2024-07-18", List.of("stop")),
                Arguments.of("openai-responses.json", WireFormat.OPENAI, JSON, "gpt-4.1-2025-04-14", List.of("completed")),
                Arguments.of("openai-responses-stream.sse", WireFormat.OPENAI, SSE, "gpt-4.1", List.of("completed")),
                Arguments.of("openai-embeddings.json", WireFormat.OPENAI, JSON, "text-embedding-3-small", List.of()),
                Arguments.of("mistral-stream.sse", WireFormat.OPENAI, SSE, "mistral-small-latest", List.of("stop")),
                Arguments.of("anthropic-messages.json", WireFormat.ANTHROPIC, JSON, "claude-sonnet-4-5-20250929", List.of("end_turn")),
                Arguments.of("anthropic-stream.sse", WireFormat.ANTHROPIC, SSE, "claude-3-5-haiku-20241022", List.of("end_turn")),
                // Its tool call's input holds "usage" and could hold any name: only the message's own fields count.
                Arguments.of("anthropic-tool-use.json", WireFormat.ANTHROPIC, JSON, "claude-sonnet-4-5-20250929", List.of("tool_use")),
                Arguments.of("google-generate.json", WireFormat.GOOGLE, JSON, "gemini-2.5-flash", List.of("STOP")),
                Arguments.of("google-stream.sse", WireFormat.GOOGLE, SSE, "gemini-2.0-flash", List.of("STOP")),
                Arguments.of("google-stream-array.json", WireFormat.GOOGLE, JSON, "gemini-1.5-flash", List.of("STOP")),
                Arguments.of("cohere-v2-chat.json", WireFormat.COHERE, JSON, null, List.of("COMPLETE")),
                Arguments.of("cohere-v2-stream.sse", WireFormat.COHERE, SSE, null, List.of("COMPLETE")),
                Arguments.of("cohere-v1-chat.json", WireFormat.COHERE, JSON, null, List.of("COMPLETE")),
                Arguments.of("bedrock-invoke.json", WireFormat.BEDROCK, JSON, "claude-3-5-sonnet-20241022", List.of("end_turn")),
                Arguments.of("bedrock-converse.json", WireFormat.BEDROCK, JSON, null, List.of("end_turn")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void theAnswersModelAndFinishReasonsAreRead(String file, WireFormat format, String type, String model, List<String> reasons)
            throws IOException {
        byte[] body = UsageGoldenTest.golden(file);
        for (int piece : new int[] {1, 7, 64, body.length}) {
            AnswerReport report = report(format, type, body, piece);
            assertThat(report.responseModel()).as(file + " in pieces of " + piece).isEqualTo(model);
            assertThat(report.finishReasons()).as(file + " in pieces of " + piece).isEqualTo(reasons);
        }
    }

    @Test
    void aToolCallsArgumentsAndNestedObjectsAreNotTheAnswersFields() {
        byte[] body = ("{\"model\":\"m-1\",\"content\":[{\"type\":\"tool_use\",\"input\":{\"model\":\"fake\",\"stop_reason\":\"fake\"}}],"
                + "\"metadata\":{\"finish_reason\":\"fake\"},\"stop_reason\":\"tool_use\"}").getBytes(StandardCharsets.UTF_8);
        AnswerReport report = report(WireFormat.ANTHROPIC, JSON, body, 5);
        assertThat(report).isEqualTo(new AnswerReport("m-1", List.of("tool_use")));
    }

    @Test
    void everyChoiceOfAStreamWithSeveralHasItsReasonAndAnIncompleteResponseSaysWhy() {
        String head = "data: {\"object\":\"chat.completion.chunk\",\"model\":\"gpt-x-1\",\"choices\":[";
        byte[] stream = (head + "{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n"
                + head + "{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                + head + "{\"index\":0,\"delta\":{},\"finish_reason\" : \"stop\"}]}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(report(WireFormat.OPENAI, SSE, stream, 3)).isEqualTo(new AnswerReport("gpt-x-1", List.of("length", "stop")));

        byte[] incomplete = ("event: response.incomplete\ndata: {\"type\":\"response.incomplete\",\"response\":{\"model\":\"gpt-4.1\","
                + "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"usage\":{\"input_tokens\":3,"
                + "\"output_tokens\":16}}}\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(report(WireFormat.OPENAI, SSE, incomplete, 11)).isEqualTo(new AnswerReport("gpt-4.1", List.of("max_output_tokens")));
    }

    @Test
    void bedrockConverseStreamsGiveTheirStopReason() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(EventStreamUsageTest.frame("messageStart", "{\"role\":\"assistant\"}"));
        stream.writeBytes(EventStreamUsageTest.frame("messageStop", "{\"stopReason\":\"max_tokens\"}"));
        stream.writeBytes(EventStreamUsageTest.frame("metadata", "{\"usage\":{\"inputTokens\":4,\"outputTokens\":7}}"));
        String inner = "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-b\",\"usage\":{\"input_tokens\":2}}}";
        stream.writeBytes(EventStreamUsageTest.frame("chunk",
                "{\"bytes\":\"" + Base64.getEncoder().encodeToString(inner.getBytes(StandardCharsets.UTF_8)) + "\"}"));
        AnswerReport report = report(WireFormat.BEDROCK, "application/vnd.amazon.eventstream", stream.toByteArray(), 9);
        assertThat(report).isEqualTo(new AnswerReport("claude-b", List.of("max_tokens")));
    }

    /** The events the stream scanner skips could not have held a finish reason: the shortcut is exact. */
    @Test
    void eventsPassedOverWithoutParsingHoldNoFinishReason() throws IOException {
        List<byte[]> events = new ArrayList<>();
        for (String file : new String[] {"openai-chat-stream.sse", "openai-responses-stream.sse", "mistral-stream.sse",
                "anthropic-stream.sse", "google-stream.sse", "cohere-v2-stream.sse"}) {
            SseParser parser = new SseParser(1 << 20, e -> events.add(e.data()));
            parser.feed(ByteBuffer.wrap(UsageGoldenTest.golden(file)));
            parser.finish();
        }
        for (String json : new String[] {"{\"finish_reason\":null}", "{\"finish_reason\" :\n \"stop\"}", "{\"\\u0066inish_reason\":\"x\"}",
                "{\"choices\":[{\"finish_reason\":\"length\"}]}", "{\"text\":\"\\\"finish_reason\\\":\\\"stop\\\"\"}"}) {
            events.add(json.getBytes(StandardCharsets.UTF_8));
        }
        int withReason = 0;
        int parsed = 0;
        for (byte[] data : events) {
            JsonUsageScanner full = new JsonUsageScanner();
            full.feed(data, 0, data.length);
            full.end();
            boolean may = JsonUsageScanner.mayHoldFinishReason(data, data.length);
            if (!full.answer().report(WireFormat.ANTHROPIC).finishReasons().isEmpty()) {
                withReason++;
                assertThat(may).as(new String(data, StandardCharsets.UTF_8)).isTrue();
            }
            parsed += may ? 1 : 0;
        }
        assertThat(withReason).isGreaterThanOrEqualTo(7);
        assertThat(parsed).as("the content deltas are passed over").isLessThan(events.size() / 2);
    }

    static AnswerReport report(WireFormat format, String contentType, byte[] body, int piece) {
        UsageMeter meter = UsageGoldenTest.newMeter(format);
        meter.onHeaders(200, Headers.of("content-type", contentType));
        for (int i = 0; i < body.length; i += piece) {
            meter.onChunk(ByteBuffer.wrap(body, i, Math.min(piece, body.length - i)).slice());
        }
        meter.onEnd(true);
        return meter.report();
    }
}
