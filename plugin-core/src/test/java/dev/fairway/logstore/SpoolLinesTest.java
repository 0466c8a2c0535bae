package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The feeder reads only the fields it stores of a line, and sees exactly what reading the whole line gave. */
class SpoolLinesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void readingOnlyTheStoredFieldsGivesWhatTheWholeLineGave() {
        List<String> lines = new ArrayList<>(List.of(
                "{\"seq\":7,\"prev_hash\":\"00\",\"log_id\":\"a\",\"event_id\":\"ev\",\"created_at\":\"2026-01-01T00:00:00.123Z\","
                        + "\"duration_ms\":12.5,\"ttfb_ms\":null,\"route\":\"chat\",\"provider\":\"openai\",\"model\":\"m\","
                        + "\"status\":200,\"success\":true,\"cached\":true,\"cache_match\":\"semantic\",\"cache_similarity\":0.97,"
                        + "\"error_type\":null,\"tokens_in\":null,\"tokens_out\":3,\"tokens_cached\":0,\"cost_usd\":null,"
                        + "\"metadata\":{\"team\":\"a\",\"n\":1.50,\"deep\":{\"x\":[1,2]},\"fairway.flow\":\"kept?\"},"
                        + "\"request_headers\":{\"a\":\"b\"},\"flow\":\"f\",\"flow_version\":3,\"flow_branch\":\"b1\","
                        + "\"experiment\":\"e\",\"arm\":\"x\",\"prompt\":\"p\",\"prompt_version\":2,"
                        + "\"request_body\":\"{\\\"q\\\":\\\"\\\\u00e9t\\u00e9 \\\\n\\\"}\",\"response_body\":\"data: {}\\n\\n\","
                        + "\"guardrail_findings\":[{\"rule\":\"r\",\"count\":1}],\"session\":{\"events_from_client\":1}}",
                // Numbers written as text, a missing created_at, a bad one, a string metadata.
                "{\"seq\":\"8\",\"log_id\":\"b\",\"created_at\":\"2026-01-01T00:00:00Z\",\"duration_ms\":\"9.5\","
                        + "\"status\":\"404\",\"success\":\"true\",\"metadata\":\"not an object\",\"tokens_in\":\"5\"}",
                "{\"seq\":9,\"log_id\":\"c\"}",
                "{\"seq\":10,\"log_id\":\"d\",\"created_at\":\"yesterday\"}",
                "{\"seq\":11,\"kind\":\"tombstone\",\"erased\":[\"a\",\"b\"],\"response_body\":\"x\"}",
                "{\"seq\":12,\"kind\":\"segment\",\"first_seq\":12}",
                "{\"kind\":\"segment\"}",
                "[1,2,3]",
                "\"text\"",
                "",
                "{\"seq\":13,\"log_id\":\"e\",\"created_at\":\"2026-01-01T00:00:00Z\",\"response_body\":\"cut",
                "{\"seq\":14,\"log_id\":\"f\",\"created_at\":\"2026-01-01T00:00:00Z\"} trailing"));
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 1; i <= 20; i++) {
            lines.add(new String(StoreBench.streamLine(i, 1_767_225_600_000L + i, rnd), StandardCharsets.UTF_8));
        }
        for (String text : lines) {
            byte[] line = text.getBytes(StandardCharsets.UTF_8);
            assertThat(SpoolLines.parse(line, "n1")).as(text).isEqualTo(wholeTree(line));
        }
    }

    /** How the feeder read a line before: the whole line as a tree. */
    private static SpoolLines.Line wholeTree(byte[] line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            return new SpoolLines.Other(-1);
        }
        return SpoolLines.read(n, line, "n1");
    }
}
