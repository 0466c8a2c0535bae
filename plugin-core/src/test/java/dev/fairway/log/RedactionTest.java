package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.http.Headers;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedactionTest {
    private final Redactor all = Redactor.of(Set.of("email", "phone", "iban", "card", "ahv"));

    @Test
    void eachPatternIsReplacedByItsName() {
        assertThat(all.apply("write to jane.doe+ai@mail.example.ch please")).isEqualTo("write to [redacted:email] please");
        assertThat(all.apply("call +41 44 668 18 00 or 044 668 18 00")).isEqualTo("call [redacted:phone] or [redacted:phone]");
        assertThat(all.apply("IBAN CH93 0076 2011 6238 5295 7, also DE89370400440532013000"))
                .isEqualTo("IBAN [redacted:iban], also [redacted:iban]");
        assertThat(all.apply("card 4111 1111 1111 1111 exp 12/29")).isEqualTo("card [redacted:card] exp 12/29");
        assertThat(all.apply("AHV 756.1234.5678.97 and 7561234567897")).isEqualTo("AHV [redacted:ahv] and [redacted:ahv]");
    }

    @Test
    void whatTheGuardrailFindsTheLogMasks() {
        // On main the redactor had its own patterns: these reached the log record in clear while the
        // guardrail's phone and iban detectors found them in the same request.
        assertThat(all.apply("call (555) 123-4567 or +1 (555) 123-4567")).isEqualTo("call [redacted:phone] or [redacted:phone]");
        assertThat(all.apply("transfer to DE89 3704 0044 0532 0130 00 EUR 500"))
                .isEqualTo("transfer to [redacted:iban] EUR 500");
        assertThat(all.apply("IBAN CH93 0076 2011 6238 5295 7 BIC UBSWCHZH80A")).isEqualTo("IBAN [redacted:iban] BIC UBSWCHZH80A");
    }

    @Test
    void anAhvNumberWithAWrongCheckDigitIsNotOne() {
        // Checked as the guardrail checks it (EAN-13); on main any 756 number was masked.
        assertThat(all.apply("AHV 756.1234.5678.98")).isEqualTo("AHV 756.1234.5678.98");
        assertThat(all.apply("AHV 756 1234 5678 97")).isEqualTo("AHV [redacted:ahv]");
    }

    @Test
    void checksumsKeepOrdinaryNumbersReadable() {
        // Not Luhn-valid, not a valid IBAN: ids and counts stay as they are.
        assertThat(Redactor.of(Set.of("iban", "card")).apply("order 4111 1111 1111 1112, ref CH93 0076 2011 6238 5295 8, tokens 1741569952"))
                .isEqualTo("order 4111 1111 1111 1112, ref CH93 0076 2011 6238 5295 8, tokens 1741569952");
    }

    @Test
    void onlyTheChosenPatternsApply() {
        Redactor emailOnly = Redactor.of(Set.of("email"));
        assertThat(emailOnly.apply("a@b.io +41 44 668 18 00")).isEqualTo("[redacted:email] +41 44 668 18 00");
        assertThat(Redactor.NONE.apply("a@b.io")).isEqualTo("a@b.io");
    }

    @Test
    void credentialHeadersNeverReachARecord() {
        Headers h = Headers.of("Authorization", "Bearer sk-1", "x-api-key", "k", "api-key", "k", "x-goog-api-key", "k",
                "cf-aig-authorization", "Bearer t", "Cookie", "s=1", "x-amz-security-token", "t", "x-fairway-ticket", "t",
                "x-my-session-id", "s", "x-service-token", "t", "x-internal", "i",
                "content-type", "application/json", "user-agent", "OpenAI/Java 4.1", "cf-aig-metadata", "{}",
                "accept", "text/event-stream", "accept", "application/json");
        assertThat(HeaderFilter.loggable(h, Set.of("x-internal"))).containsExactly(
                java.util.Map.entry("content-type", "application/json"),
                java.util.Map.entry("user-agent", "OpenAI/Java 4.1"),
                java.util.Map.entry("cf-aig-metadata", "{}"),
                java.util.Map.entry("accept", "text/event-stream, application/json"));
    }

    @Test
    void everyHeaderWhoseNameSaysKeyIsLeftOut() {
        // docs/logs.md: any header whose name says auth/token/secret/key/... is never written (issue 15, item 9).
        Headers h = Headers.of("ocp-apim-subscription-key", "azure-sub", "x-functions-key", "fn", "x-custom-key", "c",
                "x-goog-signature", "s", "x-request-id", "r1");
        assertThat(HeaderFilter.loggable(h, Set.of())).containsExactly(java.util.Map.entry("x-request-id", "r1"));
    }

    @Test
    void universalStepHeadersKeepOnlyLoggableNames() {
        String body = "[{\"provider\":\"openai\",\"endpoint\":\"chat/completions\",\"headers\":{\"Authorization\":\"Bearer sk-step\","
                + "\"x-custom-key\":\"k\",\"x-internal\":\"i\",\"anthropic-version\":\"2023-06-01\"},\"query\":{\"model\":\"m\"}},"
                + "{\"provider\":\"anthropic\",\"endpoint\":\"v1/messages\",\"headers\":{\"x-api-key\":\"sk-ant\"},\"query\":{}}]";
        String logged = new String(HeaderFilter.withLoggableStepHeaders(body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Set.of("x-internal")), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(logged).doesNotContain("sk-step", "sk-ant", "x-custom-key", "x-internal", "Authorization")
                .contains("\"anthropic-version\":\"2023-06-01\"", "\"query\":{\"model\":\"m\"}", "\"headers\":{}");
        assertThat(HeaderFilter.withLoggableStepHeaders("[{\"headers\":".getBytes(java.nio.charset.StandardCharsets.UTF_8), Set.of())).isNull();
    }

    @Test
    void recordsRenderTheSameBytesEveryTimeAndRedactPayloads() {
        LogEntry entry = Entries.entry("log-1", 1_764_000_000_000L, "{\"content\":\"mail me: x@y.org\"}", Set.of("email"));
        var link = new dev.fairway.log.spool.SpoolRecord.Link(7, "ab".repeat(32), "log-0", 0);
        String line = new String(entry.render(link), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(entry.render(link)).isEqualTo(entry.render(link));
        assertThat(line).startsWith("{\"seq\":7,\"prev_hash\":\"abab").contains("\"prev_id\":\"log-0\"", "\"log_id\":\"log-1\"",
                "\"created_at\":\"2025-11-24T16:00:00Z\"", "\"duration_ms\":12.346", "\"metadata\":{\"tenant\":\"acme\",\"n\":3}",
                "\"request_body\":\"{\\\"content\\\":\\\"mail me: [redacted:email]\\\"}\"")
                .doesNotContain("x@y.org").doesNotContain("dropped_before");
    }
}
