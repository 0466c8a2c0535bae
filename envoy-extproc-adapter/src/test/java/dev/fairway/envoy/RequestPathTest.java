package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.jsonError;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.set;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.pipeline.Exchange;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request half of the protocol: request headers, then the BUFFERED body, into the core. */
class RequestPathTest {
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
    void coreErrorIsAnImmediateJsonResponseAfterTheBody() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestHeaders(request("POST", "/ai/nosuch/v1/chat/completions", "content-type", "application/json"), false);
        assertThat(s.reply()).isEqualTo(Messages.CONTINUE_REQUEST_HEADERS_REQUEST_ONLY);
        s.requestBody(utf8(chatBody(false)), true);

        ProcessingResponse r = s.reply();
        assertThat(r.hasImmediateResponse()).isTrue();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(404);
        assertThat(r.getImmediateResponse().getDetails()).isEqualTo("fairway_answer");
        assertThat(jsonError(r.getImmediateResponse()).get("type").asText()).isEqualTo("unknown_provider");
        assertEndsCleanly(s);
    }

    @Test
    void badCfAigHeaderIsA400NamingTheHeader() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions", "content-type", "application/json",
                "cf-aig-authorization", "Basic x"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);

        ProcessingResponse r = s.reply();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(400);
        JsonNode error = jsonError(r.getImmediateResponse());
        assertThat(error.get("type").asText()).isEqualTo("invalid_header");
        assertThat(error.get("header").asText()).isEqualTo("cf-aig-authorization");
        assertThat(fx.recorder.opened).isEmpty();
    }

    @Test
    void unknownRouteNameIsA500NamingTheRouteNeverAPass() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("nope");
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions"), false);

        ProcessingResponse r = s.reply();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(500);
        assertThat(r.getImmediateResponse().getDetails()).isEqualTo("fairway_unknown_route");
        JsonNode error = jsonError(r.getImmediateResponse());
        assertThat(error.get("route").asText()).isEqualTo("nope");
        assertThat(error.get("message").asText()).contains("x-fairway-route", "nope", "known: ai, cached, direct, metered, small");
    }

    @Test
    void missingRouteMetadataIsA500NamingTheMetadataKey() throws Exception {
        EnvoySide.Stream s = fx.envoy.open(null);
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions"), false);

        JsonNode error = jsonError(s.reply().getImmediateResponse());
        assertThat(error.get("metadata").asText()).isEqualTo("x-fairway-route");
        assertThat(error.get("message").asText()).contains("grpc_initial_metadata");
    }

    @Test
    void withADefaultRouteAStreamWithoutRouteMetadataGetsThatRoute() throws Exception {
        // Envoy Gateway's EnvoyExtensionPolicy sends no gRPC initial metadata (examples/kubernetes).
        fx.close(); // one Fairway at a time: each needs the spool to itself
        fx = Fixture.withDefaultRoute("ai");
        EnvoySide.Stream s = fx.envoy.open(null);
        s.requestHeaders(request("POST", "/ai/nosuch/v1/chat/completions", "content-type", "application/json"), false);
        assertThat(s.reply()).isEqualTo(Messages.CONTINUE_REQUEST_HEADERS_REQUEST_ONLY);
        s.requestBody(utf8(chatBody(false)), true);

        ProcessingResponse r = s.reply();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(404);
        assertThat(jsonError(r.getImmediateResponse()).get("type").asText()).isEqualTo("unknown_provider");
    }

    @Test
    void forwardToDispatcherSetsTicketAndRoutingHeaderAndClearsRouteCache() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);

        ProcessingResponse r = s.reply();
        assertThat(r.hasRequestBody()).isTrue();
        CommonResponse common = r.getRequestBody().getResponse();
        assertThat(common.getClearRouteCache()).isTrue();
        // The dispatcher reads the body from the exchange: Envoy need not send it again.
        assertThat(common.getBodyMutation().getClearBody()).isTrue();
        assertThat(set(common.getHeaderMutation(), "content-length")).isEqualTo("0");
        String ticket = set(common.getHeaderMutation(), "x-fairway-ticket");
        assertThat(ticket).matches("[0-9a-f]{32}");
        assertThat(set(common.getHeaderMutation(), "x-fairway-upstream")).isEqualTo("fairway-dispatcher");
        Exchange exchange = fx.fairway.dispatcher().tickets().redeem(ticket);
        assertThat(exchange.model()).isEqualTo("gpt-4o-mini");
        assertThat(exchange.route().name()).isEqualTo("ai");
        assertEndsCleanly(s);
    }

    @Test
    void requestWithoutBodyIsDecidedOnItsHeaders() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestHeaders(request("GET", "/ai/fake/v1/models"), true);

        ProcessingResponse r = s.reply();
        assertThat(r.hasRequestHeaders()).isTrue();
        CommonResponse common = r.getRequestHeaders().getResponse();
        assertThat(common.getClearRouteCache()).isTrue();
        assertThat(set(common.getHeaderMutation(), "x-fairway-ticket")).isNotNull();
        assertEndsCleanly(s);
    }

    @Test
    void trailersAreAnsweredAfterTheBodyEvenWhenTheDecisionIsSlow() throws Exception {
        java.util.concurrent.CompletableFuture<dev.fairway.pipeline.Verdict> gate = new java.util.concurrent.CompletableFuture<>();
        fx.recorder.hold(gate);
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions", "te", "trailers"), false);
        s.reply();
        // BUFFERED with trailers: the whole body with end_of_stream false, then the trailers (trailer mode SEND).
        s.requestBody(utf8(chatBody(false)), false);
        s.requestTrailers(Http.trailers("x-checksum", "abc"));
        gate.complete(dev.fairway.pipeline.Verdict.PROCEED);

        assertThat(s.reply().hasRequestBody()).isTrue();
        assertThat(s.reply()).isEqualTo(Messages.CONTINUE_REQUEST_TRAILERS);
        assertEndsCleanly(s);
    }

    @Test
    void bodyOverFourMebibytesIsAcceptedWhole() throws Exception {
        byte[] big = bigChatBody(5 * 1024 * 1024);
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(big, true);

        String ticket = set(s.reply().getRequestBody().getResponse().getHeaderMutation(), "x-fairway-ticket");
        Exchange exchange = fx.fairway.dispatcher().tickets().redeem(ticket);
        assertThat(exchange.body().bytes()).isEqualTo(big);
    }

    @Test
    void bodyOverTheRouteLimitIsA413() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("small");
        s.requestHeaders(request("POST", "/small/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(bigChatBody(2 * 1024 * 1024), true);

        ProcessingResponse r = s.reply();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(413);
        assertThat(jsonError(r.getImmediateResponse()).get("type").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void streamedRequestBodyModeIsRefusedNamingTheSetting() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("ai", BodySendMode.STREAMED, BodySendMode.STREAMED);
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions"), false);

        ProcessingResponse r = s.reply();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(500);
        JsonNode error = jsonError(r.getImmediateResponse());
        assertThat(error.get("field").asText()).isEqualTo("processing_mode.request_body_mode");
        assertThat(error.get("message").asText()).contains("STREAMED", "BUFFERED");
    }

    @Test
    void bodyWithoutHeadersIsRefusedNamingTheHeaderMode() throws Exception {
        // request_header_mode: SKIP makes the body the first message.
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestBody(utf8(chatBody(false)), true);

        ProcessingResponse r = s.reply();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(500);
        assertThat(jsonError(r.getImmediateResponse()).get("field").asText()).isEqualTo("processing_mode.request_header_mode");
    }

    @Test
    void gatewayCredentialNeverAppearsInAnyReply() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("ai");
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);
        assertThat(s.reply().toString()).doesNotContain(Fixture.GATEWAY_KEY);
    }

    static byte[] bigChatBody(int size) {
        String head = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) 'a');
        System.arraycopy(utf8(head), 0, out, 0, head.length());
        System.arraycopy(utf8(tail), 0, out, size - tail.length(), tail.length());
        return out;
    }

    /** Envoy half-closes when done; the service then ends its side, having answered every message once. */
    static void assertEndsCleanly(EnvoySide.Stream s) throws Exception {
        s.halfClose();
        assertThat(s.awaitClose()).isEqualTo(Status.OK);
        assertThat(s.unread()).isZero();
    }
}
