package dev.fairway.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.ConfigException;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Flow and prompt versions created with the admin API outlive the process: written beside the log
 * spool on every PUT and rollback, restored at the next start, kept by a reload; a corrupted file
 * stops the start with an error naming it. Through the standalone gateway and the mock provider.
 */
class AdminStateRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static String yaml(String spool) {
        return """
                logs: {spool_dir: '%s', fsync: never}
                flows:
                  tiers:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: m}}}
                      - {id: m, type: model, properties: {provider: openai, model: gpt-4o-mini}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                prompts:
                  - name: support
                    versions:
                      - messages: [{role: user, content: "v1 {{q}}"}]
                """.formatted(spool);
    }

    private static String flow(String model) {
        return "{\"elements\":[{\"id\":\"start\",\"type\":\"start\",\"outputs\":{\"next\":{\"elementId\":\"m\"}}},"
                + "{\"id\":\"m\",\"type\":\"model\",\"properties\":{\"provider\":\"openai\",\"model\":\"" + model + "\"},"
                + "\"outputs\":{\"success\":{\"elementId\":\"end\"}}},{\"id\":\"end\",\"type\":\"end\"}]}";
    }

    @Test
    void adminVersionsAndTheActiveOneSurviveAReloadAndARestart() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-state");
        try (GatewayHarness first = GatewayHarness.startWithAdmin(yaml(spool), MockOptions.defaults())) {
            assertThat(admin(first, "PUT", "/flows/tiers", flow("gpt-4o")).statusCode()).isEqualTo(201);
            assertThat(admin(first, "PUT", "/flows/tiers", flow("gpt-4.1")).statusCode()).isEqualTo(201);
            assertThat(admin(first, "POST", "/flows/tiers/rollback", "{\"version\":2}").statusCode()).isEqualTo(200);
            assertThat(admin(first, "PUT", "/flows/fresh", flow("gpt-4.1-mini")).statusCode()).isEqualTo(201);
            assertThat(admin(first, "PUT", "/prompts/support", "{\"messages\":[{\"role\":\"user\",\"content\":\"v2 {{q}}\"}]}").statusCode())
                    .isEqualTo(201);
            first.fairway().reload(GatewayHarness.config(yaml(spool), first.mock().baseUrl()));
            assertServed(first, "tiers", "gpt-4o", "tiers@2");
        }
        assertThat(Path.of(spool + ".flows.json")).exists();
        assertThat(Path.of(spool + ".prompts.json")).exists();

        try (GatewayHarness second = GatewayHarness.startWithAdmin(yaml(spool), MockOptions.defaults())) {
            JsonNode tiers = JSON.readTree(admin(second, "GET", "/flows/tiers", null).body());
            assertThat(tiers.get("active_version").asInt()).as(tiers.toString()).isEqualTo(2);
            assertThat(tiers.get("versions")).hasSize(3);
            assertServed(second, "tiers", "gpt-4o", "tiers@2");
            assertServed(second, "tiers@3", "gpt-4.1", "tiers@3");
            assertServed(second, "tiers@1", "gpt-4o-mini", "tiers@1");
            assertServed(second, "fresh", "gpt-4.1-mini", "fresh@1");

            HttpResponse<String> p = second.post("/openai/v1/chat/completions", "{\"model\":\"gpt-4o\",\"variables\":{\"q\":\"x\"}}",
                    "fairway-prompt", "support@latest");
            assertThat(p.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(second.mock().requests().get(second.mock().requests().size() - 1).body()).at("/messages/0/content").asText())
                    .isEqualTo("v2 x");
            // Numbering goes on where the previous process left it.
            HttpResponse<String> put = admin(second, "PUT", "/prompts/support", "{\"messages\":[{\"role\":\"user\",\"content\":\"v3 {{q}}\"}]}");
            assertThat(JSON.readTree(put.body()).get("version").asInt()).isEqualTo(3);
            assertThat(JSON.readTree(admin(second, "PUT", "/flows/tiers", flow("gpt-4o")).body()).get("version").asInt()).isEqualTo(4);
        }
    }

    @Test
    void aCorruptedStateFileStopsTheStartNamingIt() throws Exception {
        assertRefused("flows", "{\"format\":1,\"flows\":{\"tiers\":{\"active\":1,\"versions\":[{\"version\":1,", "unreadable");
        assertRefused("flows", "{\"format\":1,\"flows\":{\"tiers\":{\"active\":1,\"versions\":[{\"version\":1,"
                + "\"created\":\"2026-01-01T00:00:00Z\",\"flow\":{\"elements\":[{\"id\":\"start\",\"type\":\"start\"}]}}]}}}",
                "flows.tiers.versions[0]");
        assertRefused("prompts", "[1, 2]", "not a state file of format 1");
        assertRefused("prompts", "{\"format\":1,\"prompts\":{\"support\":[{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}]}}",
                "prompts.support[0]");
    }

    /** A start with {@code content} as its state file {@code name} fails, naming the file and {@code detail}. */
    private static void assertRefused(String name, String content, String detail) throws IOException {
        // A fresh spool each time: a start that fails leaves its spool's lock with this JVM.
        String spool = GatewayHarness.tempDir("fairway-state");
        Path file = Path.of(spool + "." + name + ".json");
        Files.writeString(file, content);
        assertThatThrownBy(() -> GatewayHarness.startWithAdmin(yaml(spool), MockOptions.defaults()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(file.toAbsolutePath().toString()).hasMessageContaining(detail);
    }

    @Test
    void aVersionThatCannotBeStoredIsRefusedAndNothingChanges() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-state");
        try (GatewayHarness gw = GatewayHarness.startWithAdmin(yaml(spool), MockOptions.defaults())) {
            // A directory where the file would go: the atomic rename over it fails.
            Files.createDirectories(Path.of(spool + ".flows.json", "blocked"));
            HttpResponse<String> put = admin(gw, "PUT", "/flows/tiers", flow("gpt-4o"));
            assertThat(put.statusCode()).isEqualTo(503);
            assertThat(put.body()).contains(spool + ".flows.json", "nothing changed");
            assertServed(gw, "tiers", "gpt-4o-mini", "tiers@1");
        }
    }

    private static void assertServed(GatewayHarness gw, String ref, String model, String flowVersion) {
        HttpResponse<String> r = gw.post("/compat/chat/completions", "{\"model\":\"dynamic/" + ref + "\"," + HELLO + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("fairway-flow").orElseThrow()).startsWith(flowVersion + ";");
        assertThat(gw.mock().requests().get(gw.mock().requests().size() - 1).model()).hasValue(model);
    }

    private static HttpResponse<String> admin(GatewayHarness gw, String method, String path, String body) {
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
}
