package dev.fairway.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.auth.TokenHashes;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cf-aig-collect-log and cf-aig-collect-log-payload as Cloudflare documents them (issue 19 item 4),
 * and who may leave the audit log (issue 15 item 10).
 */
class LoggingEndToEndTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"mail me at jane@example.com\"}]}";
    private static final String PATH = "/openai/v1/chat/completions";
    private static final String TOKEN = "cfut-logging-test-token-Qw12";

    @TempDir
    Path spool;
    private GatewayHarness harness;

    private void start(String routes) {
        harness = GatewayHarness.start("logs: {spool_dir: '" + spool + "', fsync: always}\n" + routes, MockOptions.defaults());
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static String logId(HttpResponse<?> r) {
        return r.headers().firstValue("cf-aig-log-id").orElseThrow();
    }

    /** Records of earlier requests, once a later logged request's record is there (records are written in completion order). */
    private Map<String, JsonNode> recordsUpTo(String path, String... headers) {
        String marker = logId(harness.post(path, CHAT, headers));
        Records.await(harness, spool, marker);
        return Records.of(harness, spool);
    }

    @Test
    void collectLogTrueWritesARecordWhereTheRouteLogsNothing() {
        // Cloudflare, AI Gateway "Logging": "if logging is disabled at the gateway level, this header
        // will save the log for that request."
        start("routes: [{name: r, logging: {enabled: false}}]\n");
        HttpResponse<String> unlogged = harness.post(PATH, CHAT);
        HttpResponse<String> logged = harness.post(PATH, CHAT, "cf-aig-collect-log", "true");

        JsonNode record = Records.await(harness, spool, logId(logged));
        assertThat(record.get("status").asInt()).isEqualTo(200);
        assertThat(Records.of(harness, spool)).doesNotContainKey(logId(unlogged));
    }

    @Test
    void payloadsAreLoggedByDefaultAndTheHeaderOverridesTheRouteBothWays() {
        // Cloudflare changelog 2026-03-17 "Log AI Gateway request metadata without storing payloads":
        // cf-aig-collect-log-payload "By default ... is set to true and payloads are stored alongside
        // metadata. Set this header to false to skip payload storage while still logging metadata".
        start("""
                routes:
                  - {name: defaults, prefix: /d, logging: {redact: [email]}}
                  - {name: quiet, prefix: /q, logging: {payloads: false, redact: [email]}}
                """);
        String byDefault = logId(harness.post("/d" + PATH, CHAT));
        String metadataOnly = logId(harness.post("/d" + PATH, CHAT, "cf-aig-collect-log-payload", "false"));
        String routeOff = logId(harness.post("/q" + PATH, CHAT));
        String headerOn = logId(harness.post("/q" + PATH, CHAT, "cf-aig-collect-log-payload", "true"));

        Map<String, JsonNode> records = recordsUpTo("/d" + PATH);
        assertThat(records.get(byDefault).get("request_body").asText()).contains("[redacted:email]").doesNotContain("jane@example.com");
        assertThat(records.get(metadataOnly).has("request_body")).isFalse();
        assertThat(records.get(metadataOnly).get("tokens_in").isNumber()).isTrue();
        assertThat(records.get(routeOff).has("request_body")).isFalse();
        // Redaction still applies to payloads a caller turned on.
        assertThat(records.get(headerOn).get("request_body").asText()).contains("[redacted:email]").doesNotContain("jane@example.com");
    }

    @Test
    void callersOfAnAuthenticatedRouteCannotLeaveTheAuditLog() {
        // Issue 15 item 10: by default an authenticated route still writes a metadata-only record for a
        // cf-aig-collect-log: false request, and says the header was ignored.
        start("""
                routes:
                  - {name: audited, prefix: /a, auth: {clients: [{name: app, token_sha256: [%1$s]}]}}
                  - {name: optional, prefix: /o, auth: {clients: [{name: app, token_sha256: [%1$s]}]}, logging: {allow_opt_out: true}}
                  - {name: open, prefix: /p}
                """.formatted(TokenHashes.hash(TOKEN)));
        String auth = "Bearer " + TOKEN;
        HttpResponse<String> audited = harness.post("/a" + PATH, CHAT, "cf-aig-authorization", auth, "cf-aig-collect-log", "false");
        HttpResponse<String> optedOut = harness.post("/o" + PATH, CHAT, "cf-aig-authorization", auth, "cf-aig-collect-log", "false");
        HttpResponse<String> open = harness.post("/p" + PATH, CHAT, "cf-aig-collect-log", "false");

        assertThat(audited.statusCode()).isEqualTo(200);
        assertThat(audited.headers().firstValue("fairway-ignored-headers")).hasValue("cf-aig-collect-log;ignored");
        assertThat(optedOut.headers().firstValue("fairway-ignored-headers")).isEmpty();
        JsonNode record = Records.await(harness, spool, logId(audited));
        assertThat(record.has("request_body")).isFalse();
        assertThat(record.get("route").asText()).isEqualTo("audited");
        assertThat(Records.notes(record)).singleElement().asString().startsWith("cf-aig-collect-log: false (ignored");
        Map<String, JsonNode> records = recordsUpTo("/p" + PATH);
        assertThat(records).doesNotContainKeys(logId(optedOut), logId(open));
    }
}
