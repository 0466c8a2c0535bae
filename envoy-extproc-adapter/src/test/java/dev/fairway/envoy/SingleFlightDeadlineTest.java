package dev.fairway.envoy;

import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.pipeline.Exchange;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Single-flight on a cached route under Envoy's deadline: an identical request arriving while the
 * first is still upstream waits for it only as long as the decision deadline allows (here 1.5 s,
 * against single_flight_wait_ms' 30 s), then goes upstream as a miss instead of being answered 503.
 */
class SingleFlightDeadlineTest {
    private Fixture fx;
    /** Unique per run: the cache's disk tier outlives the process, and a stored answer would be a hit. */
    private final String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + java.util.UUID.randomUUID() + "\"}]}";

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start(1500, "reject");
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void duplicateIsForwardedAsAMissWhenTheLeaderOutlastsTheDecisionDeadline() throws Exception {
        EnvoySide.Stream leader = forward();
        Exchange first = fx.recorder.opened.poll(5, TimeUnit.SECONDS);
        assertThat(first.facts().waitCutShort()).isFalse();

        // The leader's provider has not answered yet (the test holds its response back).
        EnvoySide.Stream follower = fx.envoy.open("cached", BodySendMode.BUFFERED, BodySendMode.STREAMED);
        follower.requestHeaders(request("POST", "/cached/fake/v1/chat/completions", "content-type", "application/json"), false);
        follower.reply();
        follower.requestBody(utf8(body), true);
        ProcessingResponse answer = follower.reply();
        assertThat(answer.hasImmediateResponse()).as("a duplicate is never answered with the timeout's 503: %s", answer).isFalse();
        assertThat(answer.getRequestBody().getResponse().getClearRouteCache()).isTrue();
        Exchange second = fx.recorder.opened.poll(5, TimeUnit.SECONDS);
        assertThat(second.responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        assertThat(second.facts().waitCutShort()).as("the log record says why it went upstream").isTrue();

        for (EnvoySide.Stream s : new EnvoySide.Stream[] {leader, follower}) {
            s.responseHeaders(response(200, "content-type", "application/json"), false);
            s.reply();
            s.responseBody(utf8(FakeUpstream.JSON), true);
            s.reply();
            RequestPathTest.assertEndsCleanly(s);
        }
    }

    private EnvoySide.Stream forward() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("cached", BodySendMode.BUFFERED, BodySendMode.STREAMED);
        s.requestHeaders(request("POST", "/cached/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(body), true);
        assertThat(s.reply().getRequestBody().getResponse().getClearRouteCache()).isTrue();
        return s;
    }
}
