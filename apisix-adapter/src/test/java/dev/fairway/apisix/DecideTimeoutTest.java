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

        @Override
        public String name() {
            return "stall";
        }

        @Override
        public Step open(Exchange exchange) {
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
            assertThat(late.errorType()).isEqualTo("service_unavailable");
            assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
        }
    }
}
