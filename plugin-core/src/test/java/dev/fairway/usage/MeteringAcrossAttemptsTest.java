package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Usage;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Through the dispatcher, the completion carries the usage of the attempt whose answer the client
 * got: a retried or fallen-back attempt's failure is never metered in its place, and the metering
 * step opens a meter for every attempt. The mock's usage depends on the prompt only, so a plain
 * request of the same prompt gives the expected figures.
 */
class MeteringAcrossAttemptsTest {
    private static final String CHAT = "{\"model\":\"gpt-a\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    private final BlockingQueue<Completion> completed = new LinkedBlockingQueue<>();
    private GatewayHarness harness;

    private void start(String routes) {
        Stage recorder = new Stage() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public Step open(Exchange exchange) {
                return new Step() {
                    @Override
                    public void afterCompletion(Completion completion) {
                        completed.add(completion);
                    }
                };
            }
        };
        harness = GatewayHarness.start(routes, MockOptions.defaults(), b -> b.retryScheduler((ms, retry) -> retry.run()).stage(recorder));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** The usage of the same request answered at once. */
    private Usage plain() throws InterruptedException {
        assertThat(harness.post("/openai/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
        Usage u = next().usage();
        assertThat(u).isNotNull();
        assertThat(u.outputTokens()).isPositive();
        return u;
    }

    private Completion next() throws InterruptedException {
        Completion c = completed.poll(10, TimeUnit.SECONDS);
        assertThat(c).as("a completion").isNotNull();
        return c;
    }

    @Test
    void aRetriedRequestIsMeteredFromTheAnswerThatWasRelayed() throws Exception {
        start("routes: [{name: r, retry: {max_attempts: 3, retry_delay_ms: 10}}]\n");
        Usage expected = plain();
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-fail-times", "2", "x-mock-fail-key", "m1");
        assertThat(r.statusCode()).isEqualTo(200);
        Completion c = next();
        assertThat(c.attempts()).isEqualTo(3);
        assertThat(c.usage()).isEqualTo(expected);
    }

    @Test
    void aFallbackIsMeteredFromTheTargetThatAnswered() throws Exception {
        start("routes: [{name: r, fallback: {targets: [{provider: mistral, model: mistral-small}]}}]\n");
        Usage expected = plain();
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "503", "x-mock-fail-model", "gpt-a");
        assertThat(r.statusCode()).isEqualTo(200);
        Completion c = next();
        assertThat(c.step()).isEqualTo(1);
        assertThat(c.usage()).isEqualTo(expected);
    }

    @Test
    void anUpstreamErrorThatIsRelayedCarriesNoUsageNorCost() throws Exception {
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "400",
                "cf-aig-custom-cost", "{\"total_cost\":0.5}");
        assertThat(r.statusCode()).isEqualTo(400);
        Completion c = next();
        assertThat(c.usage()).isNull();
        assertThat(c.costUsd()).as("a failed answer costs nothing, whatever the custom price says").isNull();
    }
}
