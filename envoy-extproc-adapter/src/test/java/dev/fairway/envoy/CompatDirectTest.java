package dev.fairway.envoy;

import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /compat} on a direct route: the request is translated for an Anthropic provider and its
 * answer is translated back on its way through Envoy, so an OpenAI client gets choices whichever
 * forwarding mode the route uses; where Envoy does not send the answer's body, the request is refused.
 */
class CompatDirectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MESSAGE = "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Grüezi ✓\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":11,\"output_tokens\":4}}";
    static final String EVENTS = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_02","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"usage":{"input_tokens":11,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type":"ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Grüezi"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" ✓ 🚀"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    private Fixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @ParameterizedTest(name = "{0}, chunks of {1} bytes")
    @CsvSource({"STREAMED, 1", "STREAMED, 7", "STREAMED, 100000", "BUFFERED, 100000", "FULL_DUPLEX_STREAMED, 5"})
    void jsonAnswerReachesTheOpenAiClientTranslated(BodySendMode mode, int chunkSize) throws Exception {
        EnvoySide.Stream s = forwardCompat(mode, false);
        byte[] upstream = utf8(MESSAGE);
        s.responseHeaders(response(200, "content-type", "application/json", "content-length", Integer.toString(upstream.length)), false);
        EnvoyHeaders head = EnvoyHeaders.of(response(200, "content-type", "application/json",
                "content-length", Integer.toString(upstream.length))).apply(s.reply().getResponseHeaders().getResponse().getHeaderMutation());
        assertThat(head.all("content-type")).containsExactly("application/json");
        assertThat(head.contains("content-length")).as("the translated body has another length").isFalse();

        JsonNode chat = JSON.readTree(relay(s, upstream, chunkSize));
        assertThat(chat.path("object").asText()).isEqualTo("chat.completion");
        assertThat(chat.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Grüezi ✓");
        assertThat(chat.path("usage").path("total_tokens").asInt()).isEqualTo(15);
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().usage().inputTokens()).isEqualTo(11);
        assertThat(seen.completion().usage().outputTokens()).isEqualTo(4);
        assertThat(seen.completion().costUsd()).isCloseTo(11 * 3e-6 + 4 * 15e-6, org.assertj.core.data.Offset.offset(1e-12));
        RequestPathTest.assertEndsCleanly(s);
    }

    @ParameterizedTest(name = "{0}, chunks of {1} bytes")
    @CsvSource({"STREAMED, 1", "STREAMED, 9", "STREAMED, 100000", "FULL_DUPLEX_STREAMED, 3"})
    void streamIsReframedEventByEvent(BodySendMode mode, int chunkSize) throws Exception {
        EnvoySide.Stream s = forwardCompat(mode, true);
        s.responseHeaders(response(200, "content-type", "text/event-stream; charset=utf-8"), false);
        EnvoyHeaders head = EnvoyHeaders.of(response(200, "content-type", "text/event-stream; charset=utf-8"))
                .apply(s.reply().getResponseHeaders().getResponse().getHeaderMutation());
        assertThat(head.all("content-type")).containsExactly("text/event-stream");

        List<byte[]> pieces = new ArrayList<>();
        String client = new String(relay(s, utf8(EVENTS), chunkSize, pieces), StandardCharsets.UTF_8);
        for (byte[] piece : pieces) {
            // Whole OpenAI events only: a client never sees half an event, whatever the chunking.
            assertThat(new String(piece, StandardCharsets.UTF_8)).endsWith("\n\n");
        }
        assertThat(client).doesNotContain("message_start", "content_block").endsWith("data: [DONE]\n\n");
        StringBuilder text = new StringBuilder();
        for (String event : client.split("\n\n")) {
            assertThat(event).startsWith("data: ");
            if (!event.equals("data: [DONE]")) {
                JsonNode chunk = JSON.readTree(event.substring(6));
                assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
                text.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
            }
        }
        assertThat(text.toString()).isEqualTo("Grüezi ✓ 🚀");
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().usage().inputTokens()).isEqualTo(11);
        assertThat(seen.completion().usage().outputTokens()).isEqualTo(4);
        assertThat(seen.body()).as("observers see what the client got").isEqualTo(utf8(client));
        assertThat(seen.completion().truncated()).isFalse();
        RequestPathTest.assertEndsCleanly(s);
    }

    @Test
    void refusedWhereEnvoySendsNoResponseBody() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("direct", BodySendMode.BUFFERED, BodySendMode.NONE);
        s.requestHeaders(request("POST", "/direct/compat/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chat(true)), true);
        ImmediateResponse r = s.reply().getImmediateResponse();
        assertThat(r.getStatus().getCodeValue()).isEqualTo(400);
        JsonNode error = Http.jsonError(r);
        assertThat(error.get("message").asText()).contains("route direct", "direct mode", "response_body_mode NONE", "fakeclaude");
        assertThat(fx.upstream.received).isEmpty();
        assertThat(fx.recorder.next().completion().status()).isEqualTo(400);
    }

    /** Runs the request half up to the forwarding answer; the translated request goes to Anthropic's path. */
    private EnvoySide.Stream forwardCompat(BodySendMode responseMode, boolean stream) throws Exception {
        EnvoySide.Stream s = fx.envoy.open("direct", BodySendMode.BUFFERED, responseMode);
        s.requestHeaders(request("POST", "/direct/compat/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chat(stream)), true);
        CommonResponse common = s.reply().getRequestBody().getResponse();
        EnvoyHeaders forwarded = EnvoyHeaders.of(request("POST", "/direct/compat/chat/completions")).apply(common.getHeaderMutation());
        assertThat(forwarded.first(":path")).isEqualTo("/v1/messages");
        assertThat(forwarded.first("x-fairway-upstream")).isEqualTo("fakeclaude");
        assertThat(JSON.readTree(common.getBodyMutation().getBody().toByteArray()).path("model").asText()).isEqualTo("claude-test");
        return s;
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"fakeclaude/claude-test\",\"stream\":" + stream + ",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static byte[] relay(EnvoySide.Stream s, byte[] upstream, int chunkSize) throws Exception {
        return relay(s, upstream, chunkSize, new ArrayList<>());
    }

    /** Sends the provider's body as Envoy does in the stream's mode and returns what the client gets. */
    static byte[] relay(EnvoySide.Stream s, byte[] upstream, int chunkSize, List<byte[]> pieces) throws Exception {
        List<byte[]> chunks = DirectModeTest.split(upstream, chunkSize);
        for (int i = 0; i < chunks.size(); i++) {
            s.responseBody(chunks.get(i), i == chunks.size() - 1);
        }
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            ProcessingResponse r = s.reply();
            assertThat(r.hasResponseBody()).isTrue();
            byte[] out = EnvoySide.bodyAfter(r, chunk);
            if (out.length > 0) {
                pieces.add(out);
            }
            client.writeBytes(out);
        }
        return client.toByteArray();
    }
}
