package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.log.LogStage;
import dev.fairway.pipeline.Stage;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-up runs synthetic requests through the whole decision path (service, processor, core
 * stages, direct-mode answers) and leaves no trace in the process: nothing logged, recorded,
 * charged, issued or sent upstream.
 */
class WarmUpTest {
    private Fixture fx;
    private ScheduledExecutorService timer;

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        fx.close();
    }

    @Test
    void syntheticDecisionsRunThroughThePipelineWithoutSideEffects() throws Exception {
        long loggedBefore = logged();
        WarmUp.Result r = WarmUp.run(fx.fairway, fx.config, timer, 120);

        assertThat(r.streams()).isEqualTo(120);
        assertThat(r.failed()).isZero();
        assertThat(r.forwarded()).as("dispatcher and direct forwards, /compat included, were played").isPositive();
        // Local answers come from the rehearsal's own quota (the metered route's 10 tokens run out there).
        assertThat(r.forwarded() + r.answered()).isEqualTo(120);
        assertThat(fx.recorder.opened).as("no exchange of the real gateway").isEmpty();
        assertThat(fx.upstream.received).as("no upstream call").isEmpty();
        assertThat(fx.fairway.dispatcher().tickets().outstanding()).isZero();
        assertThat(logged()).as("no log record").isEqualTo(loggedBefore);

        // The warm-up played the metered route's answers (5 tokens each): the real quota is untouched.
        for (int i = 1; i <= 2; i++) {
            EnvoySide.Stream s = fx.envoy.open("metered", BodySendMode.BUFFERED, BodySendMode.STREAMED);
            s.requestHeaders(request("POST", "/metered/fake/v1/chat/completions", "content-type", "application/json"), false);
            s.reply();
            s.requestBody(utf8(chatBody(false)), true);
            assertThat(s.reply().hasImmediateResponse()).as("request %d fits the real quota", i).isFalse();
            s.responseHeaders(response(200, "content-type", "application/json"), false);
            s.reply();
            s.responseBody(utf8(FakeUpstream.JSON), true);
            s.reply();
            RequestPathTest.assertEndsCleanly(s);
        }
    }

    private long logged() {
        for (Stage s : fx.fairway.gateway().stages()) {
            if (s instanceof LogStage logs) {
                return logs.stats().written() + logs.stats().queued() + logs.stats().dropped();
            }
        }
        throw new AssertionError("logs are on by default");
    }
}
