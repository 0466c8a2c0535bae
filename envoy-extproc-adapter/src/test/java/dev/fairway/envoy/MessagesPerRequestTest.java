package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the ext_proc messages Envoy sends per request, each a gRPC round trip: with a filter that
 * sends every phase (one processing_mode for all routes), a dispatcher route tells Envoy in its
 * answer to the request headers to send no response phase (mode_override, honoured with
 * allow_mode_override), while a direct route keeps them, as its response is metered on the way.
 */
class MessagesPerRequestTest {
    /** One filter config for every route: every phase sent, the response body streamed. */
    private static final ProcessingMode EVERYTHING = ProcessingMode.newBuilder()
            .setRequestHeaderMode(HeaderSendMode.SEND).setRequestBodyMode(BodySendMode.BUFFERED)
            .setRequestTrailerMode(HeaderSendMode.SEND).setResponseHeaderMode(HeaderSendMode.SEND)
            .setResponseBodyMode(BodySendMode.STREAMED).setResponseTrailerMode(HeaderSendMode.SEND).build();
    /** examples/envoy/envoy.yaml's filter default, for dispatcher routes: the response is skipped. */
    private static final ProcessingMode REQUEST_SIDE = EVERYTHING.toBuilder().setRequestTrailerMode(HeaderSendMode.SKIP)
            .setResponseHeaderMode(HeaderSendMode.SKIP).setResponseBodyMode(BodySendMode.NONE)
            .setResponseTrailerMode(HeaderSendMode.SKIP).build();
    private static final byte[] SSE = utf8(FakeUpstream.SSE);

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
    void aDispatcherForwardTakesTwoMessagesWhereEnvoyAllowsTheOverride() throws Exception {
        assertThat(play("ai", "/ai/fake/v1/chat/completions", EVERYTHING, true)).isEqualTo(2);
    }

    @Test
    void withoutTheOverrideEnvoySendsTheResponseItHasNoUseFor() throws Exception {
        // headers, body, response headers, three body chunks: what allow_mode_override saves.
        assertThat(play("ai", "/ai/fake/v1/chat/completions", EVERYTHING, false)).isEqualTo(6);
    }

    @Test
    void aDispatcherForwardTakesTwoMessagesWithTheExampleConfig() throws Exception {
        assertThat(play("ai", "/ai/fake/v1/chat/completions", REQUEST_SIDE, true)).isEqualTo(2);
    }

    @Test
    void aStreamedDirectForwardKeepsItsResponsePhases() throws Exception {
        assertThat(play("direct", "/direct/fake/v1/chat/completions", EVERYTHING, true)).isEqualTo(6);
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.body()).as("the answer is metered whole on its way").isEqualTo(SSE);
        assertThat(seen.completion().status()).isEqualTo(200);
    }

    @Test
    void theOverrideNamesEveryPhaseExplicitly() {
        // An Envoy before effectiveModeOverride replaces the whole mode: nothing may be left at its default.
        ProcessingMode m = Messages.REQUEST_ONLY;
        assertThat(m.getRequestHeaderMode()).isEqualTo(HeaderSendMode.SEND);
        assertThat(m.getRequestBodyMode()).isEqualTo(BodySendMode.BUFFERED);
        assertThat(m.getRequestTrailerMode()).isEqualTo(HeaderSendMode.SKIP);
        assertThat(m.getResponseHeaderMode()).isEqualTo(HeaderSendMode.SKIP);
        assertThat(m.getResponseBodyMode()).isEqualTo(BodySendMode.NONE);
        assertThat(m.getResponseTrailerMode()).isEqualTo(HeaderSendMode.SKIP);
    }

    /**
     * One request, as Envoy's filter runs it under {@code configured} (ext_proc.cc: a mode_override
     * is taken from an answer to headers only, and only with allow_mode_override), the upstream
     * answering an SSE stream in three chunks without trailers. Returns the messages Envoy sent.
     */
    private int play(String route, String path, ProcessingMode configured, boolean allowOverride) throws Exception {
        ProcessingMode mode = configured;
        EnvoySide.Stream s = fx.envoy.open(route, configured.getRequestBodyMode(), configured.getResponseBodyMode());
        int sent = 0;
        s.requestHeaders(request("POST", path, "content-type", "application/json"), false);
        sent++;
        ProcessingResponse r = s.reply();
        if (allowOverride && r.hasModeOverride()) {
            mode = r.getModeOverride();
        }
        assertThat(mode.getRequestBodyMode()).isEqualTo(BodySendMode.BUFFERED);
        s.requestBody(utf8(chatBody(true)), true);
        sent++;
        r = s.reply();
        assertThat(r.hasImmediateResponse()).as("forwarded: %s", r).isFalse();
        if (mode.getResponseHeaderMode() != HeaderSendMode.SKIP) {
            s.responseHeaders(response(200, "content-type", "text/event-stream"), false);
            sent++;
            assertThat(s.reply().hasResponseHeaders()).isTrue();
        }
        if (mode.getResponseBodyMode() != BodySendMode.NONE) {
            int third = SSE.length / 3;
            byte[][] chunks = {Arrays.copyOfRange(SSE, 0, third), Arrays.copyOfRange(SSE, third, 2 * third),
                    Arrays.copyOfRange(SSE, 2 * third, SSE.length)};
            for (int i = 0; i < chunks.length; i++) {
                s.responseBody(chunks[i], i == chunks.length - 1);
                sent++;
            }
            for (int i = 0; i < chunks.length; i++) {
                assertThat(s.reply().hasResponseBody()).isTrue();
            }
        }
        RequestPathTest.assertEndsCleanly(s);
        return sent;
    }
}
