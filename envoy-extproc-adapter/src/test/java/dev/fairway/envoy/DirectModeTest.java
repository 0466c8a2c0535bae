package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.set;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fairway.pipeline.Exchange;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct mode: the request is rewritten for the provider's Envoy cluster, and the response is
 * observed through response_headers and response_body messages without holding anything back.
 */
class DirectModeTest {
    private static final byte[] SSE = utf8(FakeUpstream.SSE);

    private Fixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start();
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void requestIsRewrittenForTheProviderCluster() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("direct");
        s.requestHeaders(request("POST", "/direct/fake/v1/chat/completions?trace=1", "content-type", "application/json",
                "authorization", "Bearer client-own-key", "accept-encoding", "gzip", "cf-aig-metadata", "{\"team\":\"a\"}",
                "cf-aig-cache-ttl", "3600"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);

        CommonResponse common = s.reply().getRequestBody().getResponse();
        assertThat(common.getClearRouteCache()).isTrue();
        assertThat(common.hasBodyMutation()).isFalse();
        var set = Http.setHeaders(common.getHeaderMutation());
        assertThat(set).containsEntry(":path", "/v1/chat/completions?trace=1")
                .containsEntry(":authority", "127.0.0.1:" + fx.upstream.port())
                .containsEntry("authorization", "Bearer " + Fixture.GATEWAY_KEY)
                .containsEntry("accept-encoding", "identity")
                .containsEntry("x-fairway-upstream", "fake-cluster")
                .doesNotContainKey("x-fairway-ticket")
                .doesNotContainKey("content-type");
        assertThat(common.getHeaderMutation().getRemoveHeadersList()).contains("cf-aig-metadata", "cf-aig-cache-ttl")
                .doesNotContain("content-type", "x-request-id", "host");
        assertThat(fx.fairway.dispatcher().tickets().outstanding()).isZero();
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 3, 7, 64, 100_000})
    void streamedSseIsAnsweredChunkByChunkAndObservedWhole(int chunkSize) throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.STREAMED);
        Exchange exchange = fx.recorder.opened.poll(5, TimeUnit.SECONDS);

        s.responseHeaders(response(200, "content-type", "text/event-stream"), false);
        ProcessingResponse head = s.reply();
        assertThat(set(head.getResponseHeaders().getResponse().getHeaderMutation(), "cf-aig-log-id")).isEqualTo(exchange.logId());

        List<byte[]> chunks = split(SSE, chunkSize);
        // Envoy sends each chunk as it arrives, without waiting for the previous answer.
        for (int i = 0; i < chunks.size(); i++) {
            s.responseBody(chunks.get(i), i == chunks.size() - 1);
        }
        for (int i = 0; i < chunks.size(); i++) {
            // A plain CONTINUE per chunk: nothing is held back or rewritten.
            assertThat(s.reply()).isEqualTo(Messages.CONTINUE_RESPONSE_BODY);
        }
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.body()).isEqualTo(SSE);
        assertThat(seen.clean()).isTrue();
        assertThat(seen.completion().status()).isEqualTo(200);
        assertThat(seen.completion().truncated()).isFalse();
        assertThat(seen.completion().responseBytes()).isEqualTo(SSE.length);
        assertThat(seen.completion().ttfbNanos()).isNotNegative();
        RequestPathTest.assertEndsCleanly(s);
    }

    @Test
    void splitsMidEventAndMidUtf8CharacterReachTheObserverIntact() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.STREAMED);
        s.responseHeaders(response(200, "content-type", "text/event-stream"), false);
        s.reply();
        int umlaut = indexOf(SSE, utf8("ü")) + 1;       // inside a 2-byte character
        int rocket = indexOf(SSE, utf8("🚀")) + 2;      // inside a 4-byte character
        int midEvent = indexOf(SSE, utf8("usage")) + 2;  // inside an event's data line
        int[] cuts = {umlaut, rocket, midEvent, SSE.length};
        int from = 0;
        for (int cut : cuts) {
            s.responseBody(Arrays.copyOfRange(SSE, from, cut), cut == SSE.length);
            assertThat(s.reply()).isEqualTo(Messages.CONTINUE_RESPONSE_BODY);
            from = cut;
        }
        assertThat(fx.recorder.next().body()).isEqualTo(SSE);
    }

    @Test
    void fullDuplexStreamedEchoesEveryChunkAtOnce() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.FULL_DUPLEX_STREAMED);
        s.responseHeaders(response(200, "content-type", "text/event-stream"), false);
        s.reply();
        List<byte[]> chunks = split(SSE, 5);
        ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = i == chunks.size() - 1;
            s.responseBody(chunks.get(i), last);
            // In this mode Envoy forwards only what the server streams back.
            StreamedBodyResponse back = s.reply().getResponseBody().getResponse().getBodyMutation().getStreamedResponse();
            assertThat(back.getBody()).isEqualTo(ByteString.copyFrom(chunks.get(i)));
            assertThat(back.getEndOfStream()).isEqualTo(last);
            toClient.writeBytes(back.getBody().toByteArray());
        }
        assertThat(toClient.toByteArray()).isEqualTo(SSE);
        assertThat(fx.recorder.next().completion().truncated()).isFalse();
    }

    @Test
    void responseTrailersEndTheResponse() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.STREAMED);
        s.responseHeaders(response(200, "content-type", "application/json"), false);
        s.reply();
        byte[] json = utf8(FakeUpstream.JSON);
        s.responseBody(json, false);
        s.responseTrailers(Http.trailers("grpc-status", "0"));
        assertThat(s.reply()).isEqualTo(Messages.CONTINUE_RESPONSE_BODY);
        assertThat(s.reply()).isEqualTo(Messages.CONTINUE_RESPONSE_TRAILERS);
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.body()).isEqualTo(json);
        assertThat(seen.clean()).isTrue();
    }

    @Test
    void bufferedResponseBodyIsObservedInOneMessage() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.BUFFERED);
        s.responseHeaders(response(200, "content-type", "application/json"), false);
        s.reply();
        s.responseBody(utf8(FakeUpstream.JSON), true);
        assertThat(s.reply()).isEqualTo(Messages.CONTINUE_RESPONSE_BODY);
        assertThat(fx.recorder.next().body()).isEqualTo(utf8(FakeUpstream.JSON));
    }

    @Test
    void responseWithoutBodyCompletesOnItsHeaders() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.STREAMED);
        s.responseHeaders(response(503, "content-type", "text/plain"), true);
        assertThat(s.reply().hasResponseHeaders()).isTrue();
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().status()).isEqualTo(503);
        assertThat(seen.completion().truncated()).isFalse();
    }

    @Test
    void envoyCancellingMidStreamCompletesTheExchangeAsTruncated() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.STREAMED);
        s.responseHeaders(response(200, "content-type", "text/event-stream"), false);
        s.reply();
        byte[] first = utf8(FakeUpstream.EVENTS.get(0));
        s.responseBody(first, false);
        s.reply();
        s.cancel();

        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.clean()).isFalse();
        assertThat(seen.body()).isEqualTo(first);
        assertThat(seen.completion().truncated()).isTrue();
        assertThat(seen.completion().errorType()).isEqualTo("client_closed");
        assertThat(seen.completion().status()).isEqualTo(200);
    }

    @Test
    void envoyClosingBeforeTheEndOfTheBodyIsATruncation() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.STREAMED);
        s.responseHeaders(response(200, "content-type", "text/event-stream"), false);
        s.reply();
        s.responseBody(utf8(FakeUpstream.EVENTS.get(0)), false);
        s.reply();
        s.halfClose();

        assertThat(s.awaitClose().isOk()).isTrue();
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().truncated()).isTrue();
        assertThat(seen.completion().errorType()).isEqualTo("stream_closed");
    }

    @Test
    void cancelBeforeTheProviderAnsweredIsTheClients499() throws Exception {
        EnvoySide.Stream s = forwardDirect(BodySendMode.STREAMED);
        s.cancel();
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().status()).isEqualTo(499);
        assertThat(seen.completion().truncated()).isFalse();
        assertThat(seen.clean()).isNull();
    }

    /** Runs the request half of a direct-mode stream up to the forwarding answer. */
    private EnvoySide.Stream forwardDirect(BodySendMode responseMode) throws Exception {
        EnvoySide.Stream s = fx.envoy.open("direct", BodySendMode.BUFFERED, responseMode);
        s.requestHeaders(request("POST", "/direct/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chatBody(true)), true);
        assertThat(set(s.reply().getRequestBody().getResponse().getHeaderMutation(), ":path")).isEqualTo("/v1/chat/completions");
        return s;
    }

    static List<byte[]> split(byte[] all, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += size) {
            out.add(Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
        }
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
