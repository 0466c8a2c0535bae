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
                "{\"seq\":14,\"log_id\":\"f\",\"created_at\":\"2026-01-01T00:00:00Z\"} trailing",
                // Numbers of every size and form a field may hold, in the fields read as numbers and as text.
                "{\"seq\":12345678901234567890,\"log_id\":7,\"created_at\":\"2026-02-29T00:00:00Z\",\"duration_ms\":1e400,"
                        + "\"ttfb_ms\":-0.0,\"route\":1.50,\"provider\":2147483648,\"model\":-12,\"status\":1e2,"
                        + "\"success\":1,\"cached\":\"false\",\"error_type\":false,\"tokens_in\":9223372036854775808,"
                        + "\"tokens_out\":1.9,\"tokens_cached\":-1,\"cost_usd\":1E-7,\"event_id\":null,\"cache_match\":true}",
                "{\"seq\":15,\"log_id\":\"g\",\"created_at\":\"2026-01-01T00:00:00.5Z\",\"duration_ms\":0.1,"
                        + "\"route\":123456789012,\"provider\":0.1,\"model\":true,\"metadata\":{},\"flow\":null,"
                        + "\"experiment\":null,\"prompt\":null}",
                "{\"seq\":16,\"log_id\":\"h\",\"created_at\":\"2026-01-01T00:00:00.123456Z\",\"metadata\":null,"
                        + "\"experiment\":\"e\"}",
                "{\"seq\":17,\"log_id\":\"i\",\"created_at\":\"2026-02-30T00:00:00Z\"}",
                "{\"seq\":18,\"log_id\":\"j\",\"created_at\":12}",
                "{\"seq\":19,\"log_id\":\"\u00e9t\u00e9 \u6771\",\"created_at\":\"2026-01-01T00:00:00Z\",\"route\":\"r\\u00e9\"}",
                // Members not read: strings ending in an escaped backslash or holding brackets, quotes and
                // unicode escapes; nested objects and arrays; whitespace anywhere; a read member's name
                // escaped; a member after the bodies. Then lines cut or malformed in several places.
                " { \"seq\" : 20 , \"request_body\" : \"a \\\\\" , \"x\\\"}{[\" : [ {\"a\":\"]}\\\"\"} , [ ] , { } ] ,"
                        + " \"log_id\":\"k\", \"created_at\":\"2026-01-01T00:00:00Z\",\"response_body\":\"\\u0022}\\\\\","
                        + " \"ro\\u0075te\" :\"escaped name\",\"empty\":{},\"n\":-1.5e3,\"t\":true,\"z\":null,"
                        + " \"prompt\":\"p\",\"prompt_version\":4 }\n",
                "{\"seq\":21,\"log_id\":\"l\",\"created_at\":\"2026-01-01T00:00:00Z\",\"request_headers\":{\"a\":[1,{\"b\":2}]"
                        + ",\"route\":\"r\"}",
                "{\"seq\":22,\"log_id\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"response_body\":\"ends in \\\\",
                "{\"seq\":23,\"log_id\":\"n\",\"created_at\":\"2026-01-01T00:00:00Z\" \"route\":\"r\"}",
                "{\"seq\":24,\"log_id\":\"o\",\"created_at\":\"2026-01-01T00:00:00Z\",\"route\"}",
                "{\"seq\":25,\"log_id\":\"p\",\"created_at\":\"2026-01-01T00:00:00Z\",\"route\":}",
                "{}",
                " { } ",
                "{\"seq\":26}"));
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 1; i <= 20; i++) {
            lines.add(new String(StoreBench.streamLine(i, 1_767_225_600_000L + i, rnd), StandardCharsets.UTF_8));
            lines.add(new String(StoreBench.floorLine(i, 1_767_225_600_000L + i * 1000L, rnd, "{\"model\":\"m\"}",
                    "data: {\"x\":1}\n\n", i % 2 == 0), StandardCharsets.UTF_8));
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
