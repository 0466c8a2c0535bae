package dev.fairway.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.auth.TokenHashes;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.testing.GatewayHarness;
import io.vertx.core.http.UpgradeRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * OpenAI Realtime sessions through the standalone gateway, against the mock provider's Realtime
 * endpoint, with a client that speaks the documented protocol.
 */
class RealtimeSessionTest {
    private static final String MODEL = "gpt-4o-realtime-preview";
    private static final String TOKEN = "gw-token-alice";

    @Test
    void aSessionIsRelayedWithTheGatewayKeyMeteredAndLoggedOnce() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-rt");
        try (GatewayHarness h = GatewayHarness.start(logs(spool) + """
                routes:
                  - name: r
                    logging: {payloads: false}
                """, MockOptions.defaults());
             RealtimeTestClient c = new RealtimeTestClient()) {
            c.connect(ws(h, "/openai/v1/realtime?model=" + MODEL), "OpenAI-Beta", "realtime=v1",
                    "authorization", "Bearer sk-client-own", "cf-aig-metadata", "{\"call\":\"c1\"}");
            assertThat(c.await("session.created").path("session").path("model").asText()).isEqualTo(MODEL);
            c.send("{\"type\":\"session.update\",\"session\":{\"instructions\":\"be brief\"}}");
            assertThat(c.await("session.updated").path("session").path("instructions").asText()).isEqualTo("be brief");
            c.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(new byte[1000]) + "\"}");
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            c.await("input_audio_buffer.committed");
            c.send("{\"type\":\"response.create\",\"response\":{\"modalities\":[\"text\"],\"instructions\":\"tell me a joke\"}}");
            assertThat(c.await("response.text.delta").path("delta").asText()).isEqualTo("w0 ");
            JsonNode first = c.await("response.done").path("response").path("usage");
            c.send("{\"type\":\"response.create\"}");
            JsonNode second = c.await("response.done").path("response").path("usage");
            String logId = c.logId();
            c.ws.close((short) 1000, "bye");
            assertThat(c.closed.get(10, TimeUnit.SECONDS)).startsWith("1000");

            JsonNode record = record(spool, logId);
            assertThat(record.path("status").asInt()).isEqualTo(101);
            assertThat(record.path("success").asBoolean()).isTrue();
            assertThat(record.path("method").asText()).isEqualTo("GET");
            assertThat(record.path("provider").asText()).isEqualTo("openai");
            assertThat(record.path("model").asText()).isEqualTo(MODEL);
            assertThat(record.path("tokens_in").asLong())
                    .isEqualTo(first.path("input_tokens").asLong() + second.path("input_tokens").asLong()).isPositive();
            assertThat(record.path("tokens_out").asLong())
                    .isEqualTo(first.path("output_tokens").asLong() + second.path("output_tokens").asLong()).isPositive();
            assertThat(record.path("cost_usd").isNumber()).isTrue();
            assertThat(record.path("metadata").path("call").asText()).isEqualTo("c1");
            assertThat(record.path("session").path("events_from_client").asLong()).isEqualTo(5);
            assertThat(record.path("session").path("events_to_client").asLong()).isGreaterThanOrEqualTo(2 + 2 * 5);
            assertThat(record.path("session").path("closed_by").asText()).isEqualTo("client");
            assertThat(records(spool).filter(l -> l.contains(logId)).count()).isEqualTo(1);

            RecordedRequest upstream = h.mock().requests().get(0);
            assertThat(upstream.path()).isEqualTo("/v1/realtime?model=" + MODEL);
            // The gateway holds a key for inference (GET realtime is one): the client's own goes nowhere.
            assertThat(upstream.header("authorization")).contains("Bearer sk-test-openai");
            assertThat(upstream.header("openai-beta")).contains("realtime=v1");
            assertThat(upstream.headers().keySet()).noneMatch(n -> n.toLowerCase().startsWith("cf-aig-"));
        }
    }

    @Test
    void cloudflaresUrlShapeAndABrowsersSubprotocolCredentialsReachTheRealtimeEndpoint() throws Exception {
        try (GatewayHarness h = GatewayHarness.start(authRoute(), MockOptions.defaults());
             RealtimeTestClient c = new RealtimeTestClient()) {
            c.connect(ws(h, "/v1/acct/gw/openai?model=" + MODEL), "protocol", "realtime",
                    "protocol", "cf-aig-authorization." + TOKEN, "protocol", "openai-beta.realtime-v1");
            c.await("session.created");
            assertThat(c.ws.subProtocol()).isEqualTo("realtime");
            RecordedRequest upstream = h.mock().requests().get(0);
            assertThat(upstream.path()).isEqualTo("/v1/realtime?model=" + MODEL);
            // The token went to the gateway, never upstream, not even inside a subprotocol.
            assertThat(String.join(",", upstream.headers().getOrDefault("sec-websocket-protocol", java.util.List.of())))
                    .doesNotContain(TOKEN).contains("realtime");
        }
    }

    @Test
    void anUnauthenticatedUpgradeIsRefusedWithTheGatewaysJsonErrorBeforeAnythingIsUpgraded() throws Exception {
        try (GatewayHarness h = GatewayHarness.start(authRoute(), MockOptions.defaults());
             RealtimeTestClient c = new RealtimeTestClient()) {
            assertThatThrownBy(() -> c.connect(ws(h, "/openai/v1/realtime?model=" + MODEL)))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(UpgradeRejectedException.class, e -> {
                        assertThat(e.getStatus()).isEqualTo(401);
                        assertThat(e.getBody().toString()).contains("\"type\":\"unauthorized\"");
                        assertThat(e.getHeaders().get("cf-aig-log-id")).isNotBlank();
                    });
            assertThat(h.mock().requestCount()).isZero();
        }
    }

    @Test
    void aPolicyRefusalAndAPathWithoutSessionsAreAnsweredBeforeTheUpgrade() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("""
                routes:
                  - name: r
                    policy: {denied_models: ["*realtime*"]}
                """, MockOptions.defaults());
             RealtimeTestClient c = new RealtimeTestClient()) {
            assertThat(refusal(c, ws(h, "/openai/v1/realtime?model=" + MODEL))).isEqualTo(403);
            assertThat(refusal(c, ws(h, "/openai/v1/chat/completions?model=gpt-4o"), "authorization", "Bearer sk-own")).isEqualTo(404);
            assertThat(h.mock().requestCount()).isZero();
        }
    }

    @Test
    void aTokenQuotaExhaustedMidSessionEndsItWithAnErrorEventAndTheNextUpgradeIsRefused() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-rt-quota");
        try (GatewayHarness h = GatewayHarness.start(logs(spool) + """
                routes:
                  - name: r
                    quotas:
                      - {name: voice-tokens, key: [route], unit: total_tokens, limit: 30, window: 1h}
                """, MockOptions.builder().chunks(10).build());
             RealtimeTestClient c = new RealtimeTestClient()) {
            c.connect(ws(h, "/openai/v1/realtime?model=" + MODEL));
            c.await("session.created");
            c.send("{\"type\":\"response.create\"}");
            c.await("response.done"); // 11 tokens: within the limit, the session goes on
            c.send("{\"type\":\"response.create\"}");
            c.await("response.done");
            c.send("{\"type\":\"response.create\"}");
            c.await("response.done"); // 33 tokens: the quota is exhausted
            JsonNode error = c.await("error");
            assertThat(error.path("error").path("code").asText()).isEqualTo("quota_exhausted");
            assertThat(error.path("error").path("type").asText()).isEqualTo("rate_limited");
            assertThat(error.path("error").path("rule").asText()).isEqualTo("voice-tokens");
            assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1008 quota exhausted: voice-tokens");
            JsonNode record = record(spool, c.logId());
            assertThat(record.path("error_type").asText()).isEqualTo("rate_limited");
            assertThat(record.path("tokens_in").asLong() + record.path("tokens_out").asLong()).isEqualTo(33);
            assertThat(record.path("session").path("closed_by").asText()).isEqualTo("gateway");

            try (RealtimeTestClient again = new RealtimeTestClient()) {
                assertThat(refusal(again, ws(h, "/openai/v1/realtime?model=" + MODEL))).isEqualTo(429);
            }
        }
    }

    @Test
    void anUpstreamClosingMidResponseClosesTheClientWithItsCodeAndTheRecordSaysSo() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-rt-cut");
        try (GatewayHarness h = GatewayHarness.start(logs(spool), MockOptions.defaults());
             RealtimeTestClient c = new RealtimeTestClient()) {
            c.connect(ws(h, "/openai/v1/realtime?model=" + MODEL), "x-mock-chunks", "10", "x-mock-cut-after", "3");
            c.await("session.created");
            c.send("{\"type\":\"response.create\"}");
            c.await("response.text.delta");
            assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1011 mock fault: closed mid-response");
            assertThat(c.events).noneMatch(e -> e.path("type").asText().equals("response.done"));
            JsonNode record = record(spool, c.logId());
            assertThat(record.path("success").asBoolean()).isFalse();
            assertThat(record.path("truncated").asBoolean()).isTrue();
            assertThat(record.path("error_type").asText()).isEqualTo("upstream_closed");
            assertThat(record.path("session").path("closed_by").asText()).isEqualTo("upstream");
            assertThat(record.path("session").path("close_code").asInt()).isEqualTo(1011);
        }
    }

    @Test
    void aSlowClientHoldsTheProviderBackInsteadOfGrowingTheGatewaysMemory() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-rt-slow");
        int deltas = 6000; // each an audio delta of 4,800 bytes (6,400 in base64): about 40 MB in all
        try (GatewayHarness h = GatewayHarness.start(logs(spool), MockOptions.builder().chunks(deltas).build());
             RealtimeTestClient c = new RealtimeTestClient()) {
            c.connect(ws(h, "/openai/v1/realtime?model=" + MODEL));
            c.await("session.created");
            c.send("{\"type\":\"response.create\",\"response\":{\"modalities\":[\"audio\",\"text\"]}}");
            c.await("response.audio.delta");
            c.ws.pause(); // the client stops reading: its socket fills, then the gateway's
            Thread.sleep(1500);
            String logId = c.logId();
            // Gone without a closing handshake (a paused reader could not finish one): the connection drops.
            ((io.vertx.core.internal.http.WebSocketInternal) c.ws).channelHandlerContext().channel().close();
            JsonNode record = record(spool, logId);
            long relayed = record.path("response_bytes").asLong();
            long offered = (long) deltas * (6400 + 100);
            // Only what the sockets' buffers hold got through; without back-pressure the whole answer would have.
            assertThat(relayed).isPositive().isLessThan(offered / 3);
            assertThat(record.path("tokens_out").isNull()).isTrue();
        }
    }

    static String ws(GatewayHarness h, String path) {
        return "ws://127.0.0.1:" + h.fairway().port() + path;
    }

    static int refusal(RealtimeTestClient c, String url, String... headers) {
        try {
            c.connect(url, headers);
        } catch (ExecutionException e) {
            return ((UpgradeRejectedException) e.getCause()).getStatus();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the upgrade was accepted");
    }

    private static String authRoute() {
        return """
                routes:
                  - name: r
                    auth: {enabled: true, clients: [{name: alice, token_sha256: %s}]}
                """.formatted(TokenHashes.hash(TOKEN));
    }

    static String logs(String spool) {
        return "logs: {spool_dir: '" + spool + "', fsync: never}\n";
    }

    /** The one record of {@code logId}, waiting for the writer. */
    static JsonNode record(String spool, String logId) throws Exception {
        return record(spool, logId, Duration.ofSeconds(10));
    }

    static JsonNode record(String spool, String logId, Duration wait) throws Exception {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            try (Stream<String> lines = records(spool)) {
                String line = lines.filter(l -> l.contains("\"log_id\":\"" + logId + "\"")).findFirst().orElse(null);
                if (line != null) {
                    return RealtimeTestClient.JSON.readTree(line);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log record " + logId);
    }

    static Stream<String> records(String dir) throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
                all.append(Files.readString(p));
            }
        }
        return all.toString().lines();
    }
}
