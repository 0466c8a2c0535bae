package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.testing.GatewayHarness;
import dev.fairway.mock.MockOptions;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The log record says which guardrails fired, where and what they did, and never what they matched. */
class GuardrailFindingsLogTest {
    private static final String EMAIL = "jane.doe@example.ch";
    private static final String CARD = "4111 1111 1111 1111";

    @Test
    void aFlaggedAndABlockedRequestLeaveTheirFindingsInTheRecord() throws IOException {
        String spool = GatewayHarness.tempDir("fairway-findings");
        try (GatewayHarness h = GatewayHarness.start("""
                logs: {spool_dir: '%s', fsync: never}
                routes:
                  - name: r
                    logging: {record_before_answer: true, payloads: false}
                    guardrails: {detectors: [{detector: email, action: flag}, {detector: credit_card, action: block}]}
                """.formatted(spool), MockOptions.defaults())) {
            HttpResponse<String> flagged = h.post("/openai/v1/chat/completions", chat("write to " + EMAIL));
            assertThat(flagged.statusCode()).isEqualTo(200);
            assertThat(record(spool, flagged)).contains(
                    "\"guardrail_findings\":[{\"rule\":\"email\",\"check\":\"request\",\"action\":\"flag\",\"count\":1}]");

            HttpResponse<String> blocked = h.post("/openai/v1/chat/completions", chat("my card is " + CARD));
            assertThat(blocked.statusCode()).isEqualTo(400);
            assertThat(record(spool, blocked)).contains(
                    "\"guardrail_findings\":[{\"rule\":\"credit_card\",\"check\":\"request\",\"action\":\"block\",\"count\":1}]");
            // Payloads are off here: what the record says of the findings names no matched text.
            assertThat(spooled(spool)).doesNotContain(EMAIL, CARD, "jane.doe", "4111");
        }
    }

    private static String chat(String text) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private static String record(String spool, HttpResponse<String> answer) throws IOException {
        String logId = answer.headers().firstValue("cf-aig-log-id").orElseThrow();
        return spooled(spool).lines().filter(l -> l.contains("\"log_id\":\"" + logId + "\"")).findFirst().orElseThrow();
    }

    private static String spooled(String dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
                all.append(Files.readString(p));
            }
        }
        return all.toString();
    }
}
