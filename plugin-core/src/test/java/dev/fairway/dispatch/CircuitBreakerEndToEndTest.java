package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The circuit breaker through the standalone gateway and the mock provider: it opens, probes and closes again. */
class CircuitBreakerEndToEndTest {
    private static final String ROUTE = "routes: [{name: r, circuit_breaker: {failure_threshold: 2, window_seconds: 60, cooldown_seconds: 1},"
            + " fallback: {targets: [{provider: mistral, model: mistral-small}]}}]\n";
    private GatewayHarness harness;

    @AfterEach
    void stop() {
        harness.close();
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    private HttpResponse<String> post(String model, String... headers) {
        return harness.post("/openai/v1/chat/completions", chat(model), headers);
    }

    /** Two 503s of the primary open its circuit; the cool-down then passes. */
    private void openThenCoolDown() throws InterruptedException {
        harness = GatewayHarness.start(ROUTE, MockOptions.defaults());
        for (int i = 0; i < 2; i++) {
            assertThat(post("gpt-a", "x-mock-status", "503", "x-mock-fail-model", "gpt-a").headers().firstValue("cf-aig-step")).hasValue("1");
        }
        assertThat(post("gpt-a").headers().firstValue("cf-aig-step")).as("open: the primary is skipped").hasValue("1");
        Thread.sleep(1_100);
    }

    @Test
    void aProbeAnsweredWithAStatusNeitherRetriedNorFallenBackOnDoesNotLockTheCircuit() throws Exception {
        openThenCoolDown();
        HttpResponse<String> probe = post("gpt-a", "x-mock-status", "501", "x-mock-fail-model", "gpt-a");
        assertThat(probe.statusCode()).isEqualTo(501);
        assertThat(probe.headers().firstValue("cf-aig-step")).hasValue("0");
        assertThat(post("gpt-a").headers().firstValue("cf-aig-step")).as("the healthy primary is probed again").hasValue("0");
        assertThat(post("gpt-a").headers().firstValue("cf-aig-step")).as("and its circuit is closed").hasValue("0");
    }

    @Test
    void aClientLeavingMidProbeDoesNotLockTheCircuit() throws Exception {
        openThenCoolDown();
        HttpRequest leaving = HttpRequest.newBuilder(URI.create(harness.baseUrl() + "/openai/v1/chat/completions"))
                .timeout(Duration.ofMillis(300))
                .header("content-type", "application/json").header("x-mock-delay-ms", "5000").header("x-mock-fail-model", "gpt-a")
                .POST(HttpRequest.BodyPublishers.ofString(chat("gpt-a"))).build();
        assertThat(catchThrowable(() -> harness.http().send(leaving, HttpResponse.BodyHandlers.ofString()))).isInstanceOf(HttpTimeoutException.class);
        String step = "1";
        for (int i = 0; i < 50 && !step.equals("0"); i++) {
            Thread.sleep(20);
            step = post("gpt-a").headers().firstValue("cf-aig-step").orElseThrow();
        }
        assertThat(step).as("the primary is probed again once the gateway saw the client go").isEqualTo("0");
    }

    @Test
    void modelNamesAClientInventsShareTheTargetsOneCircuit() {
        harness = GatewayHarness.start(ROUTE, MockOptions.defaults());
        for (int i = 0; i < 50; i++) {
            String invented = "invented-" + i;
            post(invented, "x-mock-status", "503", "x-mock-fail-model", invented);
        }
        assertThat(post("gpt-a").headers().firstValue("cf-aig-step")).as("the target's circuit opened, whatever the model").hasValue("1");
        assertThat(harness.fairway().dispatcher().breakers().size()).as("the primary's circuit and the fallback's").isEqualTo(2);
    }
}
