package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.testing.GatewayHarness;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries and fallback against the mock provider's faults; retry waits are recorded, never slept. */
class FallbackEndToEndTest {
    private static final String CHAT = "{\"model\":\"gpt-a\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    private final List<Long> waits = new CopyOnWriteArrayList<>();
    private GatewayHarness harness;

    private GatewayHarness start(String routes) {
        harness = GatewayHarness.start(routes, MockOptions.defaults(), b -> b.retryScheduler((ms, retry) -> {
            waits.add(ms);
            retry.run();
        }));
        return harness;
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private List<String> modelsSeen() {
        return harness.mock().requests().stream().map(r -> r.model().orElse("?")).toList();
    }

    @Test
    void retriesTheSameTargetWithBackoffUntilItAnswers() {
        start("routes: [{name: r, retry: {max_attempts: 3, retry_delay_ms: 100, backoff: exponential}}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-fail-times", "2", "x-mock-fail-key", "k1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(harness.mock().requestCount()).isEqualTo(3);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(100L, 150L);
        assertThat(waits.get(1)).isBetween(200L, 300L);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("0");
    }

    @Test
    void whenRetriesAreSpentTheLastAnswerIsRelayedAsIs() {
        start("routes: [{name: r, retry: {max_attempts: 2, retry_delay_ms: 10}}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "503");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"error\"");
        assertThat(harness.mock().requestCount()).isEqualTo(2);
    }

    @Test
    void retryAfterFromA429IsWaitedFor() {
        start("routes: [{name: r, retry: {max_attempts: 2, retry_delay_ms: 10}}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT,
                "x-mock-status", "429", "x-mock-retry-after", "2", "x-mock-fail-times", "1", "x-mock-fail-key", "ra");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(waits).containsExactly(2000L);
    }

    @Test
    void headersOverrideTheRoutesRetries() {
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-fail-times", "3", "x-mock-fail-key", "h",
                "cf-aig-max-attempts", "4", "cf-aig-retry-delay", "50", "cf-aig-backoff", "constant");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(waits).hasSize(3).allSatisfy(w -> assertThat(w).isBetween(50L, 75L));
    }

    @Test
    void fallsBackOnAFailingStatusWithTheTargetsModel() {
        start("routes: [{name: r, fallback: {targets: [{provider: mistral, model: mistral-small}]}}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "503", "x-mock-fail-model", "gpt-a");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
        // Cloudflare, AI Gateway "Header Glossary": cf-aig-step names the step that answered; its provider and model go with it.
        assertThat(r.headers().firstValue("cf-aig-provider")).hasValue("mistral");
        assertThat(r.headers().firstValue("cf-aig-model")).hasValue("mistral-small");
        assertThat(modelsSeen()).containsExactly("gpt-a", "mistral-small");
        RecordedRequest second = harness.mock().requests().get(1);
        assertThat(second.path()).isEqualTo("/mistral/v1/chat/completions");
    }

    @Test
    void fallsBackWhenTheFirstByteIsLate() {
        start("routes: [{name: r, fallback: {targets: [{provider: mistral, model: mistral-small}]}}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT,
                "x-mock-delay-ms", "10000", "x-mock-fail-model", "gpt-a", "cf-aig-request-timeout", "300");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
    }

    @Test
    void fallsBackWhenTheProviderCannotBeReached() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        harness = GatewayHarness.start("""
                providers:
                  openai: {base_url: "http://127.0.0.1:%d/v1"}
                  mistral: {base_url: "MOCK/v1"}
                routes: [{name: r, fallback: {targets: [{provider: mistral, model: mistral-small}]}}]
                """.formatted(closed), MockOptions.defaults());
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
    }

    @Test
    void aDeadKeyFallsBackOnlyWhenTheRouteSaysSo() {
        start("routes: [{name: r, fallback: {targets: [{provider: mistral}]}}]\n");
        assertThat(harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "401", "x-mock-fail-model", "gpt-a").statusCode())
                .isEqualTo(401);
        harness.close();
        start("routes: [{name: r, fallback: {targets: [{provider: mistral, model: m2}], on_status: [401, 402, 429, 500, 502, 503, 504]}}]\n");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "401", "x-mock-fail-model", "gpt-a");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
    }

    @Test
    void aForbiddenTargetInTheChainIsSkippedAndNeverCalled() {
        start("""
                routes:
                  - name: r
                    policy: {denied_providers: [groq]}
                    fallback: {targets: [{provider: groq, model: llama}, {provider: mistral, model: mistral-small}]}
                providers:
                  openai: {base_url: "MOCK/v1"}
                  groq: {base_url: "MOCK/openai/v1"}
                  mistral: {base_url: "MOCK/v1"}
                """);
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "500", "x-mock-fail-model", "gpt-a");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("2");
        assertThat(modelsSeen()).containsExactly("gpt-a", "mistral-small");
    }

    @Test
    void anOpenCircuitIsSkippedUntilItsCooldownEnds() {
        start("routes: [{name: r, circuit_breaker: {failure_threshold: 2, window_seconds: 60, cooldown_seconds: 600},"
                + " fallback: {targets: [{provider: mistral, model: mistral-small}]}}]\n");
        for (int i = 0; i < 2; i++) {
            harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "503", "x-mock-fail-model", "gpt-a");
        }
        harness.mock().reset();
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", CHAT);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
        assertThat(modelsSeen()).containsExactly("mistral-small");
    }

    @Test
    void unknownFallbackProvidersAreRefusedAtLoad() {
        var e = org.assertj.core.api.Assertions.catchThrowable(() -> start("routes: [{name: r, fallback: {targets: [{provider: nope}]}}]\n"));
        harness = GatewayHarness.start();
        assertThat(e).hasMessageContaining("routes[0].fallback.targets[0].provider: unknown provider nope");
    }
}
