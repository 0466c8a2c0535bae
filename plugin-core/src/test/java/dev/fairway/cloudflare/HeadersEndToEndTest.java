package dev.fairway.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cf-aig-* request headers a team leaving Cloudflare AI Gateway sends unchanged (issue 19, items 1
 * and 3): what Cloudflare would ignore is ignored, clamped or cut instead of refused, listed in
 * fairway-ignored-headers and in the log record; strict routes keep the 400s.
 */
class HeadersEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String PATH = "/openai/v1/chat/completions";

    @TempDir
    Path spool;
    private GatewayHarness harness;

    private GatewayHarness start(String routes) {
        harness = GatewayHarness.start("logs: {spool_dir: '" + spool + "', fsync: always}\n" + routes, MockOptions.defaults());
        return harness;
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

    @Test
    void metadataBeyondFiveEntriesKeepsTheFirstFiveAndSaysSo() throws Exception {
        // Cloudflare, AI Gateway "Custom metadata": "AI Gateway allows you to pass up to five custom
        // metadata entries per request. If more than five entries are provided, only the first five
        // will be saved; additional entries will be ignored."
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post(PATH, CHAT, "cf-aig-metadata",
                "{\"team\":\"search\",\"user\":42,\"beta\":true,\"env\":\"prod\",\"pi\":3.5,\"sixth\":6,\"seventh\":7}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("fairway-ignored-headers")).hasValue("cf-aig-metadata;truncated");
        JsonNode record = Records.await(harness, spool, logId(r));
        assertThat(MAPPER.writeValueAsString(record.get("metadata")))
                .isEqualTo("{\"team\":\"search\",\"user\":42,\"beta\":true,\"env\":\"prod\",\"pi\":3.5}");
        assertThat(Records.notes(record)).containsExactly("cf-aig-metadata: 7 entries (kept the first 5)");
    }

    @Test
    void metadataCloudflareCannotStoreIsIgnoredAndTheRequestGoesOn() {
        // Cloudflare, AI Gateway "Custom metadata": supported types are string, number and boolean;
        // "Objects are not supported as metadata values."
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post(PATH, CHAT, "cf-aig-metadata", "{\"user\":{\"id\":1}}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("fairway-ignored-headers")).hasValue("cf-aig-metadata;ignored");
        JsonNode record = Records.await(harness, spool, logId(r));
        assertThat(record.get("metadata").isEmpty()).isTrue();
        assertThat(Records.notes(record)).singleElement().asString().startsWith("cf-aig-metadata: value of 'user'");
    }

    @Test
    void valuesCloudflareWouldNotActOnAreIgnoredOrClampedAndListed() {
        // Cloudflare, AI Gateway "Request handling": retries take "a maximum of 5 tries", a delay of
        // "a maximum of 5 seconds" and a backoff of "constant, linear, or exponential"; "Caching":
        // cf-aig-skip-cache is "true". Anything else is not acted on, so it must not fail the request.
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post(PATH, CHAT, "cf-aig-skip-cache", "1", "cf-aig-max-attempts", "6",
                "cf-aig-retry-delay", "6000", "cf-aig-backoff", "fibonacci");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("fairway-ignored-headers")).hasValue(
                "cf-aig-skip-cache;ignored, cf-aig-max-attempts;clamped, cf-aig-retry-delay;clamped, cf-aig-backoff;ignored");
        assertThat(Records.notes(Records.await(harness, spool, logId(r)))).hasSize(4)
                .contains("cf-aig-max-attempts: 6 (expected: 1 to 5 attempts) (clamped to 5)");
    }

    @Test
    void aStrictRouteKeepsRefusingBadValues() {
        start("routes: [{name: r, strict_headers: true}]\n");
        HttpResponse<String> r = harness.post(PATH, CHAT, "cf-aig-max-attempts", "6");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"error\":{\"type\":\"invalid_header\",\"header\":\"cf-aig-max-attempts\"");
        assertThat(harness.mock().requestCount()).isZero();
    }

    @Test
    void theGatewayTokenHeaderStaysStrict() {
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post(PATH, CHAT, "cf-aig-authorization", "Basic abc");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"header\":\"cf-aig-authorization\"");
    }

    @Test
    void answersSayWhichProviderModelAndStepAnsweredOnCacheHitsToo() {
        // Cloudflare, AI Gateway "Header Glossary": cf-aig-step "identifies which step in a request flow
        // successfully processed the request"; cf-aig-request-id "For a request that AI Gateway answers
        // in a single step, it has the same value as cf-aig-log-id".
        start("cache_storage: {directory: '" + GatewayHarness.tempDir("fairway-cache") + "', off_heap_mb: 0, disk_mb: 0}\n"
                + "routes: [{name: r, cache: {enabled: true}}]\n");
        HttpResponse<String> miss = harness.post(PATH, CHAT);
        HttpResponse<String> hit = harness.post(PATH, CHAT);

        assertThat(hit.headers().firstValue("cf-aig-cache-status")).hasValue("HIT");
        for (HttpResponse<String> r : java.util.List.of(miss, hit)) {
            assertThat(r.headers().firstValue("cf-aig-provider")).hasValue("openai");
            assertThat(r.headers().firstValue("cf-aig-model")).hasValue("gpt-4o-mini");
            assertThat(r.headers().firstValue("cf-aig-step")).hasValue("0");
            assertThat(r.headers().firstValue("cf-aig-request-id")).isEqualTo(r.headers().firstValue("cf-aig-log-id"));
            assertThat(r.headers().allValues("cf-aig-step")).hasSize(1);
        }
    }

    @Test
    void aStreamTheClientDidNotAskUsageForCarriesNoUsageField() {
        // The gateway asks OpenAI for usage to meter the stream; OpenAI then adds "usage": null to every
        // chunk. A client that did not ask must get the stream OpenAI sends it unasked: no usage at all.
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post(PATH,
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data: {").contains("data: [DONE]").doesNotContain("\"usage\"");
        assertThat(harness.mock().requests().get(0).bodyText()).contains("\"include_usage\":true");
    }
}
