package dev.fairway.realtime;

import static dev.fairway.realtime.RealtimeSessionTest.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.auth.TokenHashes;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cloudflare's WebSockets API, with a client that sends the messages Cloudflare documents. */
class WebSocketsApiTest {
    private static final String TOKEN = "gw-token-ws";

    @Test
    void universalCreateIsAnsweredWholeOrAsAStreamOfEventsOnOneConnection() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("""
                routes:
                  - name: r
                    auth: {enabled: true, clients: [{name: alice, token_sha256: %s}]}
                """.formatted(TokenHashes.hash(TOKEN)), MockOptions.builder().chunks(3).build());
             RealtimeTestClient c = new RealtimeTestClient()) {
            String url = "ws://127.0.0.1:" + h.fairway().port() + "/v1/acct/gw";
            assertThat(refusal(c, url)).isEqualTo(401);

            c.connect(url, "cf-aig-authorization", "Bearer " + TOKEN);
            c.send(create("my-request", false));
            JsonNode created = c.await("universal.created");
            assertThat(created.path("metadata").path("eventId").asText()).isEqualTo("my-request");
            assertThat(created.path("metadata").path("cacheStatus").asText()).isEqualTo("MISS");
            assertThat(created.path("metadata").path("step").asText()).isEqualTo("0");
            assertThat(created.path("metadata").path("logId").asText()).isNotBlank();
            assertThat(created.path("metadata").path("contentType").asText()).startsWith("application/json");
            assertThat(created.path("response").path("choices").path(0).path("message").path("content").asText()).isNotBlank();

            c.send(create("streamed", true));
            JsonNode start = c.await("universal.created");
            assertThat(start.path("metadata").path("contentType").asText()).startsWith("text/event-stream");
            assertThat(start.has("response")).isFalse();
            List<JsonNode> chunks = new ArrayList<>();
            JsonNode next;
            while (!(next = c.events.poll(20, java.util.concurrent.TimeUnit.SECONDS)).path("type").asText().equals("universal.done")) {
                assertThat(next.path("type").asText()).isEqualTo("universal.stream");
                assertThat(next.path("metadata").size()).isEqualTo(1);
                assertThat(next.path("metadata").path("eventId").asText()).isEqualTo("streamed");
                chunks.add(next.path("response"));
            }
            assertThat(chunks).isNotEmpty().allMatch(r -> r.path("object").asText().equals("chat.completion.chunk"));
            assertThat(next.path("metadata").path("logId").asText()).isEqualTo(start.path("metadata").path("logId").asText());

            c.send("{\"type\":\"something.else\"}");
            assertThat(c.await("universal.error").path("error").path("message").asText()).contains("universal.create");
            assertThat(h.mock().requestCount()).isEqualTo(2);
        }
    }

    private static String create(String eventId, boolean stream) {
        return """
                {"type":"universal.create","request":{"eventId":"%s","provider":"openai","endpoint":"chat/completions",
                 "headers":{"Content-Type":"application/json"},
                 "query":{"model":"gpt-4o-mini","stream":%s,"messages":[{"role":"user","content":"tell me a joke"}]}}}
                """.formatted(eventId, stream);
    }
}
