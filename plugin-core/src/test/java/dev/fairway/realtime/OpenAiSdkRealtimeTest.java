package dev.fairway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.auth.TokenHashes;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

/**
 * Issue 28: the official openai Node SDK's realtime client ({@code OpenAIRealtimeWS}, package
 * versions pinned by the committed lock file) holds a session through the gateway with the
 * gateway's authentication, against the mock provider's Realtime endpoint: session.update, a
 * conversation item, a text response with deltas and response.done with usage, which the
 * session's one log record carries.
 */
class OpenAiSdkRealtimeTest {
    private static final String MODEL = "gpt-4o-realtime-preview";
    private static final String TOKEN = "gw-token-node";

    @Test
    void theOfficialNodeSdkRealtimeClientHoldsAMeteredAndLoggedSession() throws Exception {
        NodeSdkClient.installed();
        String spool = GatewayHarness.tempDir("fairway-rt-node");
        try (GatewayHarness h = GatewayHarness.start(RealtimeSessionTest.logs(spool) + """
                routes:
                  - name: r
                    auth: {enabled: true, clients: [{name: node, token_sha256: %s}]}
                """.formatted(TokenHashes.hash(TOKEN)), MockOptions.builder().chunks(4).build())) {
            String base = "http://127.0.0.1:" + h.fairway().port() + "/openai/v1";
            JsonNode seen = new ObjectMapper().readTree(NodeSdkClient.realtime(base, MODEL, TOKEN));

            assertThat(seen.path("createdModel").asText()).isEqualTo(MODEL);
            assertThat(seen.path("instructions").asText()).isEqualTo("answer in three words");
            assertThat(seen.path("deltas")).extracting(JsonNode::asText).containsExactly("w0 ", "w1 ", "w2 ", "w3 ");
            assertThat(seen.path("status").asText()).isEqualTo("completed");
            assertThat(seen.path("closeCode").asInt()).isEqualTo(1000);
            JsonNode usage = seen.path("usage");
            assertThat(usage.path("output_tokens").asLong()).isEqualTo(4);
            assertThat(usage.path("input_tokens").asLong()).isPositive();

            JsonNode record = RealtimeSessionTest.record(spool, seen.path("logId").asText());
            assertThat(record.path("status").asInt()).isEqualTo(101);
            assertThat(record.path("tokens_in").asLong()).isEqualTo(usage.path("input_tokens").asLong());
            assertThat(record.path("tokens_out").asLong()).isEqualTo(4);
            assertThat(record.path("cost_usd").isNumber()).isTrue();
            assertThat(record.path("metadata").path("sdk").asText()).isEqualTo("openai-node");
            assertThat(record.path("session").path("events_from_client").asLong()).isEqualTo(3);
            assertThat(record.path("session").path("closed_by").asText()).isEqualTo("client");

            RecordedRequest upstream = h.mock().requests().get(0);
            assertThat(upstream.path()).isEqualTo("/v1/realtime?model=" + MODEL);
            assertThat(upstream.header("openai-beta")).contains("realtime=v1");
            // The gateway's key goes upstream: neither the SDK's own key nor the gateway token does.
            assertThat(upstream.header("authorization")).contains("Bearer sk-test-openai");
            assertThat(upstream.headers().toString()).doesNotContain(TOKEN).doesNotContain("sk-client-own");
        }
    }
}
