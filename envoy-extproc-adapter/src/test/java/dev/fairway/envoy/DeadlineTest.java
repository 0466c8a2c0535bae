package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.jsonError;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.pipeline.Verdict;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A slow core decision never stalls Envoy's stream past the decision deadline, and an exchange
 * whose answer came too late, or whose stream is gone, is completed rather than leaked. The slow
 * dependency is a gate the test releases, so nothing here depends on how fast the machine is.
 */
class DeadlineTest {
    private Fixture fx;

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void slowDecisionIsRejectedWith503AndTheLateForwardIsCompleted() throws Exception {
        fx = Fixture.start(50, "reject");
        CompletableFuture<Verdict> gate = new CompletableFuture<>();
        fx.recorder.hold(gate);
        EnvoySide.Stream s = send("ai");

        ProcessingResponse r = s.reply();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(503);
        assertThat(r.getImmediateResponse().getDetails()).isEqualTo("fairway_decision_timeout");
        JsonNode error = jsonError(r.getImmediateResponse());
        assertThat(error.get("type").asText()).isEqualTo("service_unavailable");
        assertThat(error.get("timeout_ms").asInt()).isEqualTo(50);

        gate.complete(Verdict.PROCEED);
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().errorType()).isEqualTo("decision_timeout");
        assertThat(seen.completion().status()).isEqualTo(503);
        assertThat(fx.fairway.dispatcher().tickets().outstanding()).isZero();
        RequestPathTest.assertEndsCleanly(s);
    }

    @Test
    void continuePolicyLetsEnvoyUseItsOwnRouteWithoutForgedRoutingHeaders() throws Exception {
        fx = Fixture.start(50, "continue");
        CompletableFuture<Verdict> gate = new CompletableFuture<>();
        fx.recorder.hold(gate);
        EnvoySide.Stream s = send("ai");

        CommonResponse common = s.reply().getRequestBody().getResponse();
        assertThat(common.getClearRouteCache()).isFalse();
        assertThat(common.getHeaderMutation().getSetHeadersList()).isEmpty();
        assertThat(common.getHeaderMutation().getRemoveHeadersList()).containsExactly("x-fairway-upstream", "x-fairway-ticket");

        gate.complete(Verdict.PROCEED);
        assertThat(fx.recorder.next().completion().errorType()).isEqualTo("decision_timeout");
        assertThat(fx.fairway.dispatcher().tickets().outstanding()).isZero();
    }

    @Test
    void cancelWhileDecidingEndsTheExchange() throws Exception {
        fx = Fixture.start(60_000, "reject");
        CompletableFuture<Verdict> gate = new CompletableFuture<>();
        fx.recorder.hold(gate);
        EnvoySide.Stream s = send("ai");
        // Cancel once the core is deciding (the body has arrived), not before.
        assertThat(fx.recorder.opened.poll(20, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        s.cancel();
        assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.CANCELLED);

        gate.complete(Verdict.PROCEED);
        // Whether the service learns of the reset before or after the decision is a race: before, the
        // exchange ends at once; after, its ticket is never redeemed and expires. Either way it ends.
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().status()).isEqualTo(499);
        assertThat(seen.completion().errorType()).isIn("client_closed", "abandoned");
        assertThat(fx.fairway.dispatcher().tickets().outstanding()).isZero();
    }

    @Test
    void decisionJustInTimeIsForwarded() throws Exception {
        fx = Fixture.start(60_000, "reject");
        CompletableFuture<Verdict> gate = new CompletableFuture<>();
        fx.recorder.hold(gate);
        EnvoySide.Stream s = send("ai");
        gate.complete(Verdict.PROCEED);
        assertThat(Http.set(s.reply().getRequestBody().getResponse().getHeaderMutation(), "x-fairway-ticket")).isNotNull();
        assertThat(fx.fairway.dispatcher().tickets().outstanding()).isOne();
    }

    private EnvoySide.Stream send(String route) throws Exception {
        EnvoySide.Stream s = fx.envoy.open(route);
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions", "content-type", "application/json"), false);
        assertThat(s.reply()).isEqualTo(Messages.CONTINUE_REQUEST_HEADERS_REQUEST_ONLY);
        s.requestBody(utf8(chatBody(false)), true);
        return s;
    }
}
