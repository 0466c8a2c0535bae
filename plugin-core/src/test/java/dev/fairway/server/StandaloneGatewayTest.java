package dev.fairway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.http.Headers;
import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.testing.GatewayHarness;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StandaloneGatewayTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello Fairway\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello Fairway\"}]}";
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.start("""
                routes:
                  - name: main
                    prefix: /
                  - name: small
                    prefix: /small
                    max_body_bytes: 64
                """, MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void answersCarryALogIdAndEchoTheEventId() {
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "cf-aig-event-id", "evt-7");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Echo: Hello Fairway");
        assertThat(r.headers().firstValue("cf-aig-log-id")).hasValueSatisfying(id -> assertThat(id).hasSize(26));
        assertThat(r.headers().firstValue("cf-aig-event-id")).hasValue("evt-7");
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    }

    @Test
    void cloudflareUrlShapeReachesTheSameUpstream() {
        HttpResponse<String> r = harness.post("/v1/my-account/default/openai/chat/completions", CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(harness.mock().requests().get(harness.mock().requests().size() - 1).path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void unknownProviderIs404WithTheKnownSlugs() {
        HttpResponse<String> r = harness.post("/nope/v1/chat/completions", CHAT);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"type\":\"unknown_provider\"", "\"known_providers\":[");
    }

    @Test
    void oversizedBodyIs413BeforeItIsRead() {
        HttpResponse<String> r = harness.post("/small/openai/v1/chat/completions", CHAT);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"type\":\"payload_too_large\"", "\"limit\":64");
    }

    @Test
    void badGatewayTokenHeaderNeverReachesTheProvider() {
        int before = harness.mock().requestCount();
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "cf-aig-authorization", "Token abc");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"header\":\"cf-aig-authorization\"");
        assertThat(harness.mock().requestCount()).isEqualTo(before);
    }

    @Test
    void aHeaderValueCloudflareWouldIgnoreIsIgnored() {
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "cf-aig-backoff", "sometimes");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("fairway-ignored-headers")).hasValue("cf-aig-backoff;ignored");
    }

    @Test
    void upstreamErrorsPassThroughWithTheirBody() {
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "503");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"error\"");
        assertThat(r.headers().firstValue("cf-aig-log-id")).isPresent();
    }

    @Test
    void noFirstByteWithinTheTimeoutIs504() {
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT,
                "x-mock-delay-ms", "5000", "cf-aig-request-timeout", "200");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("\"type\":\"upstream_timeout\"", "\"timeout_ms\":200");
    }

    @Test
    void unreachableProviderIs502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (GatewayHarness h = GatewayHarness.start("providers: {openai: {base_url: \"http://127.0.0.1:" + closedPort + "/v1\"}}\n",
                MockOptions.defaults())) {
            HttpResponse<String> r = h.post("/openai/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("\"type\":\"upstream_unavailable\"");
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void streamsArePassedOnBeforeTheyEnd() throws Exception {
        // The mock waits a minute between chunks: a gateway that buffered the stream would time this test out.
        HttpRequest req = HttpRequest.newBuilder(URI.create(harness.baseUrl() + "/openai/v1/chat/completions"))
                .header("content-type", "application/json").header("x-mock-chunk-delay-ms", "60000")
                .POST(HttpRequest.BodyPublishers.ofString(STREAM)).build();
        HttpResponse<InputStream> r = harness.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        try (InputStream in = r.body()) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String first = reader.readLine();
            assertThat(first).startsWith("data: {").contains("chat.completion.chunk");
        }
    }

    @Test
    void aStreamCutMidAnswerEndsWithAnErrorEvent() {
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", STREAM, "x-mock-cut-after", "2");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("chat.completion.chunk").doesNotContain("[DONE]");
        assertThat(r.body()).endsWith("event: error\ndata: {\"error\":{\"type\":\"upstream_unavailable\","
                + "\"message\":\"the provider's stream ended before the answer was complete\"}}\n\n");
    }

    @Test
    void theDispatcherServesOnlyLiveTicketsAndEachOnce() throws Exception {
        String dispatcher = "http://127.0.0.1:" + harness.fairway().dispatcherPort() + "/anything";
        HttpResponse<String> noTicket = harness.http().send(HttpRequest.newBuilder(URI.create(dispatcher))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noTicket.statusCode()).isEqualTo(403);

        Decision d = harness.fairway().gateway().decide(GatewayRequest.of("POST", "/openai/v1/chat/completions",
                Headers.of("content-type", "application/json"), CHAT.getBytes(StandardCharsets.UTF_8))).join();
        String ticket = harness.fairway().dispatcher().tickets().issue(((Decision.Forward) d).exchange());
        HttpRequest ticketed = HttpRequest.newBuilder(URI.create(dispatcher)).timeout(Duration.ofSeconds(10))
                .header("x-fairway-ticket", ticket).POST(HttpRequest.BodyPublishers.ofString("ignored")).build();
        HttpResponse<String> first = harness.http().send(ticketed, HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("Echo: Hello Fairway");
        assertThat(first.headers().firstValue("x-accel-buffering")).hasValue("no");
        assertThat(harness.http().send(ticketed, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }
}
