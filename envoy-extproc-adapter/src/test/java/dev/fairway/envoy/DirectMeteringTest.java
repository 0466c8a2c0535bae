package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.nio.charset.StandardCharsets;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct mode meters what it observes: usage read from the provider's answer (JSON or SSE, in the
 * provider's own format), the cost priced from it, and quotas charged with it.
 */
class DirectMeteringTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void tokenQuotaOnADirectRouteRefusesAfterTheLimit() throws Exception {
        // total_tokens, limit 10; each answer reports 8: the first two fit (10, then 2 left), the third finds none.
        for (int i = 1; i <= 2; i++) {
            EnvoySide.Stream s = forward("metered", "/metered/fake/v1/chat/completions", chatBody(false), BodySendMode.STREAMED);
            answer(s, "application/json", FakeUpstream.JSON);
            fx.recorder.next();
            RequestPathTest.assertEndsCleanly(s);
        }
        EnvoySide.Stream s = fx.envoy.open("metered");
        s.requestHeaders(request("POST", "/metered/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);
        ProcessingResponse refused = s.reply();
        assertThat(refused.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(429);
        assertThat(Http.jsonError(refused.getImmediateResponse()).toString()).contains("tokens");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void usageAndCostOfAnOpenAiAnswer(boolean stream) throws Exception {
        EnvoySide.Stream s = forward("direct", "/direct/fake/v1/chat/completions", chatBody(stream), BodySendMode.STREAMED);
        answer(s, stream ? "text/event-stream" : "application/json", stream ? FakeUpstream.SSE : FakeUpstream.JSON);
        Recorder.Seen seen = fx.recorder.next();
        long out = stream ? 4 : 3;
        assertThat(seen.completion().usage().inputTokens()).isEqualTo(5);
        assertThat(seen.completion().usage().outputTokens()).isEqualTo(out);
        assertThat(seen.completion().costUsd()).isCloseTo(5 * 1e-6 + out * 2e-6, Offset.offset(1e-12));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void usageOfAnAnthropicAnswerInItsOwnFormat(boolean stream) throws Exception {
        String body = "{\"model\":\"claude-test\",\"max_tokens\":50,\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        EnvoySide.Stream s = forward("direct", "/direct/fakeclaude/v1/messages", body, BodySendMode.STREAMED);
        answer(s, stream ? "text/event-stream" : "application/json", stream ? CompatDirectTest.EVENTS : CompatDirectTest.MESSAGE);
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().usage().inputTokens()).isEqualTo(11);
        assertThat(seen.completion().usage().outputTokens()).isEqualTo(4);
        assertThat(seen.completion().costUsd()).isCloseTo(11 * 3e-6 + 4 * 15e-6, Offset.offset(1e-12));
    }

    /**
     * A streamed OpenAI request that did not ask for usage is sent asking for it, as the dispatcher
     * does, and the usage-only chunk it brings is kept from the client, who did not ask for it.
     */
    @Test
    void openAiStreamIsAskedForUsageThatTheClientDoesNotSee() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        EnvoySide.Stream s = fx.envoy.open("direct", BodySendMode.BUFFERED, BodySendMode.STREAMED);
        s.requestHeaders(request("POST", "/direct/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(body), true);
        CommonResponse forwarded = s.reply().getRequestBody().getResponse();
        JsonNode sent = JSON.readTree(forwarded.getBodyMutation().getBody().toByteArray());
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(Http.set(forwarded.getHeaderMutation(), "content-length"))
                .isEqualTo(Integer.toString(forwarded.getBodyMutation().getBody().size()));

        s.responseHeaders(response(200, "content-type", "text/event-stream"), false);
        s.reply();
        String client = new String(CompatDirectTest.relay(s, utf8(FakeUpstream.SSE), 6), StandardCharsets.UTF_8);
        assertThat(client).isEqualTo(FakeUpstream.EVENTS.get(0) + FakeUpstream.EVENTS.get(1) + FakeUpstream.EVENTS.get(3));
        assertThat(fx.recorder.next().completion().usage().totalTokens()).isEqualTo(9);
    }

    private EnvoySide.Stream forward(String route, String path, String body, BodySendMode responseMode) throws Exception {
        EnvoySide.Stream s = fx.envoy.open(route, BodySendMode.BUFFERED, responseMode);
        s.requestHeaders(request("POST", path, "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(body), true);
        assertThat(s.reply().getRequestBody().getResponse().getClearRouteCache()).isTrue();
        return s;
    }

    private static void answer(EnvoySide.Stream s, String contentType, String body) throws Exception {
        s.responseHeaders(response(200, "content-type", contentType), false);
        s.reply();
        byte[] client = CompatDirectTest.relay(s, utf8(body), 13);
        assertThat(client).as("an answer the client asked for in this form passes unchanged").isEqualTo(utf8(body));
    }
}
