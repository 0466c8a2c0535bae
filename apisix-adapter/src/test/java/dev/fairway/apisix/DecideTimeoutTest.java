package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import dev.fairway.apisix.ApisixDriver.Stopped;
import dev.fairway.config.ConfigLoader;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A core that cannot decide in time still gives APISIX an answer before APISIX's own timeout. */
class DecideTimeoutTest {
    @TempDir
    Path dir;

    /** Holds every request before dispatch until the test releases it. */
    static final class StallStage implements Stage {
        final CompletableFuture<Verdict> gate = new CompletableFuture<>();
        final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> budgets = new LinkedBlockingQueue<>();
        final BlockingQueue<String> logIds = new LinkedBlockingQueue<>();

        @Override
        public String name() {
            return "stall";
        }

        @Override
        public Step open(Exchange exchange) {
            budgets.add(exchange.waitBudgetMillis());
            logIds.add(exchange.logId());
            return new Step() {
                @Override
                public CompletableFuture<Verdict> beforeDispatch() {
                    return gate;
                }

                @Override
                public void afterCompletion(Completion completion) {
                    completions.add(completion);
                }
            };
        }
    }

    @Test
    void aLateDecisionIsAnswered503AndTheLateForwardIsEnded() throws Exception {
        StallStage stall = new StallStage();
        try (Fairway fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).stage(stall).start();
             ApisixRunner runner = ApisixRunner.builder(fairway).socket(dir.resolve("t.sock")).decideTimeout(Duration.ofMillis(100)).start();
             ApisixDriver apisix = new ApisixDriver(runner.socket(), System::nanoTime)) {
            Request request = Request.of("POST", "/openai/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8), "content-type", "application/json");

            Stopped stop = (Stopped) apisix.communicate(PluginConf.fairway("1", "{}"), request);

            assertThat(stop.status()).isEqualTo(503);
            assertThat(stop.bodyText()).contains("\"type\":\"service_unavailable\"").contains("did not decide within 100 ms");
            assertThat(stop.header("cf-aig-log-id")).isNotBlank();
            assertThat(stall.completions).isEmpty();

            stall.gate.complete(Verdict.PROCEED);

            Completion late = stall.completions.poll(10, TimeUnit.SECONDS);
            assertThat(late).isNotNull();
            assertThat(late.status()).isEqualTo(503);
            // One name for this in every host (Envoy's since its start): the client's 503 came from the deadline.
            assertThat(late.errorType()).isEqualTo("decision_timeout");
            assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
        }
    }

    /**
     * Waits inside the decision (for an identical request already upstream) end before APISIX's
     * deadline, so that the request goes on as a miss instead of being answered 503; on main the
     * runner gave the core no deadline and such a wait had no bound.
     */
    @Test
    void theDecideTimeoutBoundsWaitsInsideTheDecision() throws Exception {
        StallStage stall = new StallStage();
        stall.gate.complete(Verdict.PROCEED);
        try (Fairway fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).stage(stall).start();
             ApisixRunner runner = ApisixRunner.builder(fairway).socket(dir.resolve("t.sock")).decideTimeout(Duration.ofMillis(2_000)).start();
             ApisixDriver apisix = new ApisixDriver(runner.socket(), System::nanoTime)) {
            Request request = Request.of("POST", "/openai/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8), "content-type", "application/json");

            apisix.communicate(PluginConf.fairway("1", "{}"), request);

            assertThat(stall.budgets.poll(10, TimeUnit.SECONDS)).isLessThanOrEqualTo(2_000L);
        }
    }

    /**
     * While the process being replaced still holds the dispatcher port, a forward is refused 503,
     * and the client's log id is its request's (the one its log record is filed under); on main the
     * runner answered with a fresh id that matched no record.
     */
    @Test
    void aForwardRefusedForAHeldDispatcherPortAnswersWithItsRequestsLogId() throws Exception {
        StallStage stall = new StallStage();
        stall.gate.complete(Verdict.PROCEED);
        try (java.net.ServerSocket held = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             Fairway fairway = Fairway.builder(ConfigLoader.withEnv(java.util.Map.of())
                             .parse("dispatch: {loopback_port: " + held.getLocalPort() + "}"))
                     .dispatcherEndpoint(true).handOver(true).stage(stall).start();
             ApisixRunner runner = ApisixRunner.builder(fairway).socket(dir.resolve("t.sock")).decideTimeout(Duration.ofMillis(300)).start();
             ApisixDriver apisix = new ApisixDriver(runner.socket(), System::nanoTime)) {
            Request request = Request.of("POST", "/openai/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8), "content-type", "application/json");

            Stopped stop = (Stopped) apisix.communicate(PluginConf.fairway("1", "{}"), request);

            assertThat(stop.status()).isEqualTo(503);
            assertThat(stop.bodyText()).contains("the dispatcher endpoint is not listening");
            assertThat(stop.header("cf-aig-log-id")).isEqualTo(stall.logIds.poll(10, TimeUnit.SECONDS));
            Completion ended = stall.completions.poll(10, TimeUnit.SECONDS);
            assertThat(ended.status()).isEqualTo(503);
            assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
        }
    }
}
