package dev.fairway.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.provider.ProviderRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardrailStageTest {
    private static final String IBAN = "CH93 0076 2011 6238 5295 7";
    private static final String EMAIL = "jane.doe@example.ch";

    private final GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("""
            routes:
              - name: guarded
                prefix: /g
                guardrails:
                  detectors:
                    - {detector: email, action: flag}
                    - {detector: phone}
                    - {detector: iban, action: block}
                    - {detector: swiss_ahv, action: block}
                  custom:
                    - {name: codename, pattern: "(?i)project\\\\s+falcon", action: block}
                    - {name: internal-host, pattern: "[a-z0-9-]+\\\\.corp\\\\.example", action: flag}
              - name: runaway
                prefix: /r
                guardrails: {custom: [{name: runaway, pattern: ".*a.*a.*a.*c", action: block}]}
              - name: plain
                prefix: /p
            """);
    private final Gateway gateway = new Gateway(config, ProviderRegistry.builtIn(), List.of(new GuardrailStage()));

    private Decision post(String path, String contentType, String body) {
        return gateway.decide(GatewayRequest.of("POST", path, Headers.of("content-type", contentType),
                body.getBytes(StandardCharsets.UTF_8))).join();
    }

    private Decision chat(String path, String content) {
        return post(path, "application/json", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}");
    }

    private static Decision.Answer blocked(Decision d) {
        assertThat(d).isInstanceOf(Decision.Answer.class);
        Decision.Answer a = (Decision.Answer) d;
        assertThat(a.status()).isEqualTo(400);
        return a;
    }

    @Test
    void cleanRequestPassesWithoutFindings() {
        Decision d = chat("/g/openai/v1/chat/completions", "What is the capital of Switzerland?");
        assertThat(d).isInstanceOf(Decision.Forward.class);
        assertThat(((Decision.Forward) d).exchange().responseHeaders().get("cf-aig-dlp")).isNull();
    }

    @Test
    void flaggedFindingsAreRecordedByNameOnly() {
        Decision d = chat("/g/openai/v1/chat/completions", "Mail " + EMAIL + " or call +41 44 668 18 00 via build-7.corp.example");
        assertThat(d).isInstanceOf(Decision.Forward.class);
        String dlp = ((Decision.Forward) d).exchange().responseHeaders().get("cf-aig-dlp");
        // Cloudflare's cf-aig-dlp shape ("Set up Data Loss Prevention", DLP response header): one finding per
        // matched policy, each with its profile and the check (REQUEST or RESPONSE) it matched in.
        assertThat(dlp).isEqualTo("{\"action\":\"FLAG\",\"findings\":["
                + "{\"profile\":{\"context\":{},\"entry_ids\":[\"email\"],\"profile_id\":\"email\"},\"policy_ids\":[\"email\"],\"check\":\"REQUEST\"},"
                + "{\"profile\":{\"context\":{},\"entry_ids\":[\"phone\"],\"profile_id\":\"phone\"},\"policy_ids\":[\"phone\"],\"check\":\"REQUEST\"},"
                + "{\"profile\":{\"context\":{},\"entry_ids\":[\"internal-host\"],\"profile_id\":\"internal-host\"},\"policy_ids\":[\"internal-host\"],\"check\":\"REQUEST\"}]}");
        assertThat(dlp).doesNotContain(EMAIL, "668", "build-7");
    }

    @Test
    void blockingDetectorAnswers400NamingItWithoutEchoingTheMatch() {
        Decision.Answer a = blocked(chat("/g/openai/v1/chat/completions", "Refund to " + IBAN + " and mail " + EMAIL));
        String body = new String(a.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("\"type\":\"invalid_request\"", "\"detector\":\"iban\"").doesNotContain("CH93", "5295", EMAIL);
        assertThat(a.headers().get("cf-aig-dlp")).contains("\"action\":\"BLOCK\"", "\"iban\"").doesNotContain("CH93");
        assertThat(a.headers().get("cf-aig-log-id")).isNotBlank();
    }

    @Test
    void invalidChecksumIsNotBlocked() {
        assertThat(chat("/g/openai/v1/chat/completions", "Reference CH93 0076 2011 6238 5295 8")).isInstanceOf(Decision.Forward.class);
        assertThat(chat("/g/openai/v1/chat/completions", "AHV 756.1234.5678.98")).isInstanceOf(Decision.Forward.class);
        assertThat(blocked(chat("/g/openai/v1/chat/completions", "AHV 756.1234.5678.97")).body()).asString(StandardCharsets.UTF_8)
                .contains("\"detector\":\"swiss_ahv\"");
    }

    @Test
    void customBlockingRuleIsNamed() {
        assertThat(blocked(chat("/g/openai/v1/chat/completions", "status of PROJECT Falcon?")).body()).asString(StandardCharsets.UTF_8)
                .contains("\"detector\":\"codename\"").doesNotContain("Falcon");
    }

    @Test
    void onlyStringValuesAreScannedNotKeysOrNumbers() {
        // An e-mail address as a key and a card number as a JSON number are not text a model reads as prose.
        String body = "{\"model\":\"gpt-4o\",\"" + EMAIL + "\":1,\"n\":4111111111111111,\"messages\":[{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}";
        Decision d = post("/g/openai/v1/chat/completions", "application/json", body);
        assertThat(((Decision.Forward) d).exchange().responseHeaders().get("cf-aig-dlp")).isNull();
        String nested = "{\"model\":\"gpt-4o\",\"messages\":[{\"content\":[{\"type\":\"text\",\"text\":\"IBAN " + IBAN + "\"}]}]}";
        blocked(post("/g/openai/v1/chat/completions", "application/json", nested));
    }

    @Test
    void nonJsonBodiesAreScannedAsText() {
        blocked(post("/g/openai/v1/audio/transcriptions", "application/x-www-form-urlencoded", "prompt=project+falcon&iban=" + IBAN.replace(" ", "")));
    }

    @Test
    void patternThatExhaustsItsBudgetFailsClosed() {
        Decision.Answer a = blocked(chat("/r/openai/v1/chat/completions", "a".repeat(200)));
        assertThat(new String(a.body(), StandardCharsets.UTF_8)).contains("\"detector\":\"runaway\"");
    }

    @Test
    void routeWithoutGuardrailsOpensNoStepAndScansNothing() {
        Decision d = chat("/p/openai/v1/chat/completions", "IBAN " + IBAN);
        assertThat(d).isInstanceOf(Decision.Forward.class);
        assertThat(((Decision.Forward) d).exchange().steps()).isEmpty();
        assertThat(((Decision.Forward) d).exchange().responseHeaders().get("cf-aig-dlp")).isNull();
    }

    @Test
    void configProblemsNameTheField() {
        ConfigLoader loader = ConfigLoader.withEnv(Map.of());
        assertThatThrownBy(() -> loader.parseRoute("guardrails: {detectors: [{detector: passport}]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("guardrails.detectors[0].detector: passport (expected: one of email, phone, iban, credit_card, swiss_ahv)");
        assertThatThrownBy(() -> loader.parseRoute("guardrails: {detectors: [{detector: email, action: drop}]}"))
                .hasMessageContaining("guardrails.detectors[0].action: drop (expected: flag or block)");
        assertThatThrownBy(() -> loader.parseRoute("guardrails: {custom: [{name: evil, pattern: \"(a+)+$\"}]}"))
                .hasMessageContaining("guardrails.custom[0].pattern: pattern refused");
        assertThatThrownBy(() -> loader.parseRoute("guardrails: {custom: [{name: email, pattern: x}], detectors: [{detector: email}]}"))
                .hasMessageContaining("guardrails.custom[0].name: email is already used by another guardrail");
        assertThatThrownBy(() -> loader.parseRoute("guardrails: {custom: [{name: nopattern}]}"))
                .hasMessageContaining("guardrails.custom[0].pattern: required");
    }
}
