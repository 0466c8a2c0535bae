package dev.fairway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.log.verify.LogVerifier;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known traffic through the gateway, then the Logs API on the admin port, backed by the embedded store. */
class LogsApiEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void listFilterReadPatchAndEraseWithTheChainStillIntact() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-logs-api");
        try (GatewayHarness h = GatewayHarness.startWithAdmin("logs: {spool_dir: '" + spool + "'}\n", MockOptions.defaults())) {
            AdminEndToEndTest.Sent sent = AdminEndToEndTest.sendKnownTraffic(h);

            JsonNode all = json(call(h, "GET", "/logs", null));
            assertThat(all.path("result")).hasSize(5);
            assertThat(ids(json(call(h, "GET", "/logs?provider=anthropic", null)))).hasSize(1);
            assertThat(ids(json(call(h, "GET", "/logs?success=false", null)))).containsExactly(sent.failedLogId());
            assertThat(ids(json(call(h, "GET", "/logs?metadata.team=a", null)))).hasSize(2);
            assertThat(ids(json(call(h, "GET", "/logs?status=500&provider=openai", null)))).containsExactly(sent.failedLogId());

            // Cursor pagination: two pages of 3 and 2, no repeats.
            JsonNode first = json(call(h, "GET", "/logs?limit=3&sort=time&order=asc", null));
            String cursor = first.path("result_info").path("next_cursor").asText();
            JsonNode second = json(call(h, "GET", "/logs?limit=3&sort=time&order=asc&cursor=" + cursor, null));
            List<String> paged = new ArrayList<>(ids(first));
            paged.addAll(ids(second));
            assertThat(paged).hasSize(5).doesNotHaveDuplicates();
            assertThat(second.path("result_info").path("next_cursor").isNull()).isTrue();

            // Bad filters are 400s naming the parameter.
            HttpResponse<String> bad = call(h, "GET", "/logs?min_cost=cheap", null);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).toString()).contains("min_cost");
            assertThat(call(h, "GET", "/logs?colour=red", null).statusCode()).isEqualTo(400);

            // One record with its bodies.
            String anthropicId = ids(json(call(h, "GET", "/logs?provider=anthropic", null))).get(0);
            JsonNode one = json(call(h, "GET", "/logs/" + anthropicId, null)).path("result");
            assertThat(one.path("request_body").asText()).contains("claude-3-5-haiku");
            assertThat(one.path("response_body").asText()).isNotEmpty();
            assertThat(call(h, "GET", "/logs/does-not-exist", null).statusCode()).isEqualTo(404);

            // Feedback round-trips; out-of-range values are refused, naming the field.
            HttpResponse<String> patched = call(h, "PATCH", "/logs/" + anthropicId,
                    "{\"feedback\":1,\"score\":87,\"metadata\":{\"reviewed\":true}}");
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
            JsonNode after = json(call(h, "GET", "/logs/" + anthropicId, null)).path("result");
            assertThat(after.path("feedback").asInt()).isEqualTo(1);
            assertThat(after.path("score").asInt()).isEqualTo(87);
            assertThat(after.path("metadata").path("reviewed").asBoolean()).isTrue();
            HttpResponse<String> tooHigh = call(h, "PATCH", "/logs/" + anthropicId, "{\"score\":101}");
            assertThat(tooHigh.statusCode()).isEqualTo(400);
            assertThat(tooHigh.body()).contains("score");

            // Erasure: needs a filter; removes exactly the selected records; the chain still verifies.
            assertThat(call(h, "DELETE", "/logs", null).statusCode()).isEqualTo(400);
            JsonNode erased = json(call(h, "DELETE", "/logs?metadata.team=a", null));
            assertThat(erased.path("result").path("deleted").asInt()).isEqualTo(2);
            assertThat(json(call(h, "GET", "/logs", null)).path("result")).hasSize(3);
            assertThat(ids(json(call(h, "GET", "/logs?metadata.team=a", null)))).isEmpty();

            h.fairway().gateway().stages().stream().filter(dev.fairway.log.LogStage.class::isInstance)
                    .map(dev.fairway.log.LogStage.class::cast).findFirst().orElseThrow().flush(false).join();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = LogVerifier.run(new String[] {"--spool", spool}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(java.nio.file.Files.readString(java.nio.file.Files.list(java.nio.file.Path.of(spool))
                    .filter(p -> p.getFileName().toString().endsWith(".ndjson")).sorted().reduce((a, b) -> b).orElseThrow()))
                    .contains("\"kind\":\"tombstone\"");
        }
    }

    private static List<String> ids(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("result").forEach(r -> out.add(r.path("log_id").asText()));
        return out;
    }

    private static JsonNode json(HttpResponse<String> r) throws java.io.IOException {
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> call(GatewayHarness h, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.adminUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        return h.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
