package dev.fairway.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prompts named by fairway-prompt, the admin API's versions and a sticky experiment, through the gateway and the mock. */
class PromptEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/openai/v1/chat/completions";
    private static final String VARS = "{\"variables\":{\"company\":\"Acme\",\"question\":\"Where is my order?\"}}";

    private GatewayHarness gw;
    private String spool;

    @BeforeEach
    void start() {
        spool = GatewayHarness.tempDir("fairway-prompts");
        gw = GatewayHarness.startWithAdmin("""
                logs: {spool_dir: '%s', fsync: never}
                prompts:
                  - name: support-answer
                    versions:
                      - messages:
                          - {role: system, content: "You answer for {{company}}."}
                          - {role: user, content: "{{question}}"}
                        model: gpt-4o-mini
                        parameters: {temperature: 0.2}
                      - messages:
                          - {role: system, content: "You answer for {{company}}, briefly."}
                          - {role: user, content: "{{question}}"}
                        model: gpt-4o-mini
                routes:
                  - name: chat
                    logging: {record_before_answer: true}
                    experiments:
                      - name: tone
                        prompt: support-answer
                        key: metadata.user
                        arms:
                          - {name: control, percent: 50, version: 1}
                          - {name: brief, percent: 50, version: 2}
                """.formatted(spool), MockOptions.defaults());
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private static JsonNode sent(RecordedRequest r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void aNamedVersionIsRenderedSentAndLogged() throws Exception {
        HttpResponse<String> r = gw.post(CHAT, VARS, "fairway-prompt", "support-answer@1");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = sent(gw.mock().requests().get(0));
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("You answer for Acme.");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Where is my order?");
        assertThat(body.has("variables")).isFalse();
        assertThat(record(r)).contains("\"prompt\":\"support-answer\"", "\"prompt_version\":1").doesNotContain("\"experiment\"");
    }

    @Test
    void renderingErrorsAre4xxNamingTheVariableOrThePromptAndNothingGoesUpstream() {
        HttpResponse<String> missing = gw.post(CHAT, "{\"variables\":{\"company\":\"Acme\"}}", "fairway-prompt", "support-answer@1");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("\"field\":\"variables.question\"");
        HttpResponse<String> unknownVar = gw.post(CHAT, "{\"variables\":{\"company\":\"A\",\"question\":\"Q\",\"mood\":\"x\"}}",
                "fairway-prompt", "support-answer@1");
        assertThat(unknownVar.statusCode()).isEqualTo(400);
        assertThat(unknownVar.body()).contains("\"field\":\"variables.mood\"");
        HttpResponse<String> unknown = gw.post(CHAT, VARS, "fairway-prompt", "refund-answer@latest");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"prompt\":\"refund-answer\"");
        HttpResponse<String> noVersion = gw.post(CHAT, VARS, "fairway-prompt", "support-answer@9");
        assertThat(noVersion.statusCode()).isEqualTo(404);
        assertThat(noVersion.body()).contains("support-answer@9");
        HttpResponse<String> badHeader = gw.post(CHAT, VARS, "fairway-prompt", "support-answer@v2");
        assertThat(badHeader.statusCode()).isEqualTo(400);
        assertThat(badHeader.body()).contains("\"header\":\"fairway-prompt\"");
        assertThat(gw.mock().requestCount()).isZero();
    }

    @Test
    void theAdminApiAddsVersionsAndListsThem() throws Exception {
        HttpResponse<String> put = admin("PUT", "/prompts/support-answer",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"{{question}} (for {{company}}, v3)\"}],\"model\":\"gpt-4.1-mini\"}");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(put.body()).get("version").asInt()).isEqualTo(3);
        JsonNode listed = JSON.readTree(admin("GET", "/prompts/support-answer", null).body());
        assertThat(listed.get("latest").asInt()).isEqualTo(3);
        assertThat(listed.get("versions")).hasSize(3);
        assertThat(JSON.readTree(admin("GET", "/prompts", null).body()).toString()).contains("{\"name\":\"support-answer\",\"versions\":3}");
        assertThat(JSON.readTree(admin("GET", "/prompts/support-answer/2", null).body()).at("/messages/0/content").asText())
                .isEqualTo("You answer for {{company}}, briefly.");

        assertThat(gw.post(CHAT, VARS, "fairway-prompt", "support-answer@3").statusCode()).isEqualTo(200);
        JsonNode body = sent(gw.mock().requests().get(0));
        assertThat(body.get("model").asText()).isEqualTo("gpt-4.1-mini");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Where is my order? (for Acme, v3)");

        HttpResponse<String> bad = admin("PUT", "/prompts/support-answer", "{\"messages\":[{\"role\":\"user\",\"content\":\"{{oops\"}]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("messages[0].content");
        assertThat(admin("GET", "/prompts/nope", null).statusCode()).isEqualTo(404);
        assertThat(admin("DELETE", "/prompts/support-answer", null).statusCode()).isEqualTo(405);
    }

    @Test
    void anExperimentKeepsEachUserInOneArmAndLogsTheArm() throws Exception {
        Map<String, String> armOf = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < 12; u++) {
                gw.mock().reset();
                HttpResponse<String> r = gw.post(CHAT, VARS, "fairway-prompt", "support-answer", "cf-aig-metadata", "{\"user\":\"u" + u + "\"}");
                assertThat(r.statusCode()).isEqualTo(200);
                String system = sent(gw.mock().requests().get(0)).at("/messages/0/content").asText();
                String arm = system.contains("briefly") ? "brief" : "control";
                assertThat(armOf.putIfAbsent("u" + u, arm) == null || armOf.get("u" + u).equals(arm)).as("user u%d keeps arm %s", u, armOf.get("u" + u)).isTrue();
                if (round == 0 && u == 0) {
                    assertThat(record(r)).contains("\"experiment\":\"tone\"", "\"arm\":\"" + arm + "\"",
                            "\"prompt_version\":" + (arm.equals("brief") ? 2 : 1));
                }
            }
        }
        Set<String> arms = new HashSet<>(armOf.values());
        assertThat(arms).as("12 users over a 50/50 split").containsExactlyInAnyOrder("control", "brief");
        // Analytics groups by arm through the metadata dimension: requests per arm add up to the 36 sent.
        // Analytics are read from the log store, which the spool feeds a moment after the answer.
        long control = armOf.values().stream().filter("control"::equals).count() * 3;
        JsonNode groups = null;
        int total = 0;
        for (long until = System.nanoTime() + 15_000_000_000L; total != 36 && System.nanoTime() < until; Thread.sleep(total == 36 ? 0 : 100)) {
            groups = JSON.readTree(admin("GET", "/analytics?group_by=metadata.fairway.experiment.tone", null).body()).get("groups");
            total = 0;
            for (JsonNode g : groups) {
                total += g.at("/totals/requests").asInt();
            }
        }
        assertThat(groups.toString()).contains("control", "brief");
        assertThat(total).isEqualTo(36);
        assertThat(control).isBetween(3L, 33L);
    }

    private HttpResponse<String> admin(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.adminUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return gw.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String record(HttpResponse<String> answer) throws IOException {
        String logId = answer.headers().firstValue("cf-aig-log-id").orElseThrow();
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of(spool))) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
                all.append(Files.readString(p));
            }
        }
        List<String> lines = all.toString().lines().filter(l -> l.contains("\"log_id\":\"" + logId + "\"")).toList();
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }
}
