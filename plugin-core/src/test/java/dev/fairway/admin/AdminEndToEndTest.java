package dev.fairway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigException;
import dev.fairway.cost.PriceTable;
import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.Usage;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Known traffic through the standalone gateway against the mock provider, then the admin endpoints. */
class AdminEndToEndTest {
    static final String CHAT = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";
    static final String MESSAGES = """
            {"model":"claude-3-5-haiku","max_tokens":16,"messages":[{"role":"user","content":"hello"}]}""";
    private static final String ADMIN_TOKEN = "admin-token-e2e-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<GatewayHarness> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(GatewayHarness::close);
    }

    private GatewayHarness harness(String yaml) {
        GatewayHarness h = GatewayHarness.startWithAdmin(yaml, MockOptions.defaults());
        started.add(h);
        return h;
    }

    /** What the known traffic sent: the failing request's log id and the tokens the provider reported. */
    record Sent(String failedLogId, long tokensIn, long tokensOut, double costUsd) {}

    private static double price(String provider, String model, long in, long out) {
        Double c = PriceTable.shippedOnly().cost(provider, model, new Usage(in, out, 0), null);
        return c == null ? 0 : c;
    }

    /** Five requests: four to OpenAI (one failing upstream), one to Anthropic; two carry team=a. */
    static Sent sendKnownTraffic(GatewayHarness h) throws IOException {
        String meta = "{\"team\":\"a\"}";
        long in = 0;
        long out = 0;
        double cost = 0;
        for (HttpResponse<String> r : List.of(
                h.post("/openai/v1/chat/completions", CHAT, "cf-aig-metadata", meta),
                h.post("/openai/v1/chat/completions", CHAT, "cf-aig-metadata", meta),
                h.post("/openai/v1/chat/completions", CHAT))) {
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode usage = JSON.readTree(r.body()).get("usage");
            in += usage.get("prompt_tokens").asLong();
            out += usage.get("completion_tokens").asLong();
            cost += price("openai", "gpt-4o-mini", usage.get("prompt_tokens").asLong(), usage.get("completion_tokens").asLong());
        }
        HttpResponse<String> anthropic = h.post("/anthropic/v1/messages", MESSAGES, "anthropic-version", "2023-06-01");
        assertThat(anthropic.statusCode()).isEqualTo(200);
        JsonNode usage = JSON.readTree(anthropic.body()).get("usage");
        in += usage.get("input_tokens").asLong();
        out += usage.get("output_tokens").asLong();
        cost += price("anthropic", "claude-3-5-haiku", usage.get("input_tokens").asLong(), usage.get("output_tokens").asLong());
        HttpResponse<String> failed = h.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "500", "cf-aig-metadata", "{\"team\":\"b\"}");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(in).isPositive();
        assertThat(cost).isPositive();
        return new Sent(failed.headers().firstValue("cf-aig-log-id").orElseThrow(), in, out, cost);
    }

    static HttpResponse<String> get(GatewayHarness h, String pathAndQuery, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.adminUrl() + pathAndQuery)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return h.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The analytics answer once it holds {@code expected} requests: an exchange completes when its
     * response has ended, which may be just after the client has read it.
     */
    static JsonNode analyticsOnce(GatewayHarness h, String query, long expected, String... headers) throws IOException {
        JsonNode answer = null;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = get(h, "/analytics?" + query, headers);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            answer = JSON.readTree(r.body());
            if (answer.path("totals").path("requests").asLong() >= expected) {
                return answer;
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return answer;
    }

    static String range() {
        return "from=" + enc(Instant.now().minusSeconds(600).toString()) + "&to=" + enc(Instant.now().plusSeconds(60).toString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void analyticsTotalsEqualTheKnownTraffic() throws IOException {
        GatewayHarness h = harness("");
        Sent sent = sendKnownTraffic(h);
        String failedLogId = sent.failedLogId();

        JsonNode all = analyticsOnce(h, range() + "&interval=minute", 5);
        JsonNode t = all.get("totals");
        assertThat(t.get("tokens_in").asLong()).isEqualTo(sent.tokensIn());
        assertThat(t.get("tokens_out").asLong()).isEqualTo(sent.tokensOut());
        assertThat(t.get("cost_usd").asDouble()).isCloseTo(sent.costUsd(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(t.get("requests").asLong()).isEqualTo(5);
        assertThat(t.get("errors").asLong()).isEqualTo(1);
        assertThat(t.get("cached").asLong()).isZero();
        assertThat(t.get("upstream").asLong()).isEqualTo(5);
        assertThat(t.get("error_rate").asDouble()).isEqualTo(0.2);
        assertThat(t.get("latency_ms").get("p50").isNumber()).isTrue();
        long seriesSum = 0;
        for (JsonNode p : all.get("series")) {
            seriesSum += p.get("requests").asLong();
        }
        assertThat(seriesSum).isEqualTo(5);
        JsonNode error = all.get("recent_errors").get(0);
        assertThat(error.get("log_id").asText()).isEqualTo(failedLogId);
        assertThat(error.get("status").asInt()).isEqualTo(500);
        assertThat(error.get("provider").asText()).isEqualTo("openai");
        assertThat(error.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(error.get("route").asText()).isEqualTo("default");

        JsonNode byProvider = analyticsOnce(h, range() + "&group_by=provider", 5);
        assertThat(groupRequests(byProvider, "openai")).isEqualTo(4);
        assertThat(groupRequests(byProvider, "anthropic")).isEqualTo(1);
        JsonNode byModel = analyticsOnce(h, range() + "&group_by=model", 5);
        assertThat(groupRequests(byModel, "claude-3-5-haiku")).isEqualTo(1);

        JsonNode teamA = analyticsOnce(h, range() + "&metadata.team=a", 2);
        assertThat(teamA.get("totals").get("requests").asLong()).isEqualTo(2);
        assertThat(teamA.get("totals").get("errors").asLong()).isZero();
        assertThat(teamA.get("recent_errors")).isEmpty();
        JsonNode anthropic = analyticsOnce(h, range() + "&provider=anthropic", 1);
        assertThat(anthropic.get("totals").get("requests").asLong()).isEqualTo(1);
    }

    @Test
    void aFallbackCountsUnderTheTargetThatAnswered() throws IOException {
        GatewayHarness h = harness("""
                routes:
                  - name: chain
                    prefix: /
                    fallback: {targets: [{provider: mistral, model: mistral-small-latest}]}
                """);
        HttpResponse<String> r = h.post("/openai/v1/chat/completions", CHAT, "x-mock-fail-model", "gpt-4o-mini");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
        JsonNode byModel = analyticsOnce(h, range() + "&group_by=model", 1);
        assertThat(groupRequests(byModel, "mistral-small-latest")).isEqualTo(1);
        assertThat(groupRequests(byModel, "gpt-4o-mini")).isZero();
        assertThat(groupRequests(analyticsOnce(h, range() + "&group_by=provider", 1), "mistral")).isEqualTo(1);
    }

    private static long groupRequests(JsonNode answer, String key) {
        for (JsonNode g : answer.get("groups")) {
            if (g.get("key").asText().equals(key)) {
                return g.get("totals").get("requests").asLong();
            }
        }
        return 0;
    }

    @Test
    void metricsCountTheSameTrafficWithoutSecrets() throws IOException {
        GatewayHarness h = harness("");
        sendKnownTraffic(h);
        analyticsOnce(h, range(), 5);
        HttpResponse<String> r = get(h, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body())
                .contains("fairway_requests_total{cached=\"false\",model=\"gpt-4o-mini\",provider=\"openai\",route=\"default\",status=\"200\"} 3.0\n")
                .contains("fairway_requests_total{cached=\"false\",model=\"gpt-4o-mini\",provider=\"openai\",route=\"default\",status=\"500\"} 1.0\n")
                .contains("fairway_errors_total{provider=\"openai\",route=\"default\",type=\"http_500\"} 1.0\n")
                .contains("fairway_request_duration_seconds_count{provider=\"openai\",route=\"default\"} 4\n")
                .contains("fairway_quota_store_failures_total 0.0\n")
                .contains("fairway_quota_store_available 1.0\n")
                .doesNotContain("sk-test-openai").doesNotContain("sk-test-anthropic");
    }

    @Test
    void badParametersAndMethodsGetJsonErrors() throws IOException {
        GatewayHarness h = harness("");
        HttpResponse<String> r = get(h, "/analytics?interval=fortnight");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request");
        assertThat(e.get("parameter").asText()).isEqualTo("interval");
        assertThat(e.get("message").asText()).startsWith("interval: fortnight");
        HttpResponse<String> post = h.http().sendAsync(HttpRequest.newBuilder(URI.create(h.adminUrl() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).join();
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get(h, "/nope").statusCode()).isEqualTo(404);
        assertThat(get(h, "/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void aLoopbackListenerRefusesForeignHostNames() throws IOException {
        // Issue 15, item 15: a rebound name reaches 127.0.0.1 with the attacker's Host; no data for it.
        GatewayHarness h = harness("");
        assertThat(rawGet(h, "/analytics", "evil.example.com:" + h.fairway().adminPort()))
                .startsWith("HTTP/1.1 403").contains("\"header\":\"host\"").doesNotContain("\"totals\"");
        assertThat(rawGet(h, "/metrics", "evil.example.com")).startsWith("HTTP/1.1 403");
        assertThat(rawGet(h, "/metrics", "localhost:" + h.fairway().adminPort())).startsWith("HTTP/1.1 200");
        assertThat(get(h, "/analytics").statusCode()).isEqualTo(200);
    }

    private static String rawGet(GatewayHarness h, String path, String host) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", h.fairway().adminPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAdminListenerOffLoopbackRequiresTheBearerToken() throws IOException {
        GatewayHarness h = harness("server: {port: 0, admin_host: 0.0.0.0, admin_token: " + ADMIN_TOKEN + "}\n");
        for (String path : List.of("/metrics", "/analytics")) {
            HttpResponse<String> none = get(h, path);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"fairway-admin\"");
            assertThat(JSON.readTree(none.body()).get("error").get("header").asText()).isEqualTo("authorization");
            assertThat(get(h, path + "?token=" + ADMIN_TOKEN).statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = get(h, path, "authorization", "Bearer " + ADMIN_TOKEN + "x");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(ADMIN_TOKEN);
            assertThat(get(h, path, "authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(200);
        }
        // The page holds no data; it asks for the token itself.
        HttpResponse<String> page = get(h, "/dashboard");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"token-form\"").doesNotContain(ADMIN_TOKEN);
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("default-src 'none'");
    }

    @Test
    void theStandaloneGatewayServesAdminByDefaultHostAdaptersWhenAsked() throws IOException {
        int free;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        var config = GatewayHarness.config("server: {port: 0, admin_port: " + free + "}\n", "http://127.0.0.1:9");
        try (Fairway adapterCore = Fairway.builder(config).dispatcherEndpoint(true).start()) {
            assertThat(adapterCore.adminPort()).isEqualTo(-1);
        }
        try (Fairway adapterCore = Fairway.builder(config).dispatcherEndpoint(true).admin(true).start()) {
            assertThat(adapterCore.adminPort()).isEqualTo(free);
        }
        try (Fairway standalone = Fairway.builder(config).standalone(true).start()) {
            assertThat(standalone.adminPort()).isEqualTo(free);
        }
        var off = GatewayHarness.config("server: {port: 0, admin_port: 0}\n", "http://127.0.0.1:9");
        try (Fairway standalone = Fairway.builder(off).standalone(true).start()) {
            assertThat(standalone.adminPort()).isEqualTo(-1);
        }
    }

    @Test
    void refusesToStartOffLoopbackWithoutAToken() {
        assertThatThrownBy(() -> Fairway.builder(GatewayHarness.config("server: {port: 0, admin_host: 0.0.0.0}\n", "http://127.0.0.1:9"))
                .standalone(true).adminPort(0).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.admin_token: required when server.admin_host (0.0.0.0) is not a loopback address");
    }

    @Test
    void aShortAdminTokenIsAConfigProblem() {
        assertThatThrownBy(() -> GatewayHarness.config("server: {port: 0, admin_token: short}\n", "http://127.0.0.1:9"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.admin_token: too short (expected: at least 16 characters)");
    }
}
