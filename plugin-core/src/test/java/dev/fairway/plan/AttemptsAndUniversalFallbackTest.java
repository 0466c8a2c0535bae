package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 12 (a request's upstream attempts are capped and can be counted by a quota) and
 * issue 19 items 12 and 14 (Cloudflare's Universal fallbacks and final-attempt timeout). Retry waits
 * run at once through the injected scheduler.
 */
class AttemptsAndUniversalFallbackTest {
    private static final String CHAT = "{\"model\":\"gpt-a\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    private GatewayHarness harness;

    private GatewayHarness start(String yaml) {
        harness = GatewayHarness.start(yaml, MockOptions.defaults(), b -> b.retryScheduler((ms, retry) -> retry.run()));
        return harness;
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static String failingStep(String provider, String endpoint, String status) {
        return "{\"provider\":\"" + provider + "\",\"endpoint\":\"" + endpoint + "\",\"headers\":{\"x-mock-status\":\"" + status + "\"},"
                + "\"config\":{\"maxAttempts\":5},\"query\":{\"model\":\"gpt-a\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}";
    }

    @Test
    void oneUniversalRequestMakesAtMostMaxTotalAttempts() {
        start("routes: [{name: r, retry: {max_attempts: 5, retry_delay_ms: 0, max_total_attempts: 4}}]\n");
        String steps = "[" + failingStep("openai", "chat/completions", "500") + "," + failingStep("openai", "chat/completions", "500")
                + "," + failingStep("mistral", "v1/chat/completions", "500") + "]";
        HttpResponse<String> r = harness.post("/", steps);
        // Without the cap: 3 steps x 5 attempts = 15 upstream calls.
        assertThat(harness.mock().requestCount()).isEqualTo(4);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("0");
    }

    @Test
    void anUpstreamAttemptsQuotaCountsEveryAttempt() {
        start("""
                routes:
                  - name: r
                    retry: {max_attempts: 3, retry_delay_ms: 0}
                    quotas: [{name: calls, unit: upstream_attempts, limit: 4, window: 1h}]
                """);
        assertThat(harness.post("/openai/v1/chat/completions", CHAT, "x-mock-status", "503").statusCode()).isEqualTo(503);
        assertThat(harness.mock().requestCount()).isEqualTo(3);
        // 3 of 4 spent by one request; the next takes the last one, the third is refused.
        assertThat(harness.post("/openai/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = harness.post("/openai/v1/chat/completions", CHAT);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("\"rule\":\"calls\"");
        assertThat(harness.mock().requestCount()).isEqualTo(4);
    }

    @Test
    void universalFallsBackOnAnyErrorStatus() {
        // developers.cloudflare.com/ai-gateway/configuration/fallbacks: "By default, Cloudflare triggers your fallback if a model request returns an error."
        start("routes: [{name: r}]\n");
        for (String status : new String[] {"400", "401", "404", "422"}) {
            HttpResponse<String> r = harness.post("/", "[" + failingStep("openai", "chat/completions", status).replace("\"maxAttempts\":5", "\"maxAttempts\":1")
                    + ",{\"provider\":\"mistral\",\"endpoint\":\"v1/chat/completions\",\"query\":{\"model\":\"mistral-small\",\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}}]");
            assertThat(r.statusCode()).as(status).isEqualTo(200);
            assertThat(r.headers().firstValue("cf-aig-step")).as(status).hasValue("1");
        }
    }

    @Test
    void aStepMayNarrowWhatFallsBack() {
        start("routes: [{name: r}]\n");
        HttpResponse<String> r = harness.post("/", "[" + failingStep("openai", "chat/completions", "401")
                .replace("\"maxAttempts\":5", "\"maxAttempts\":1,\"fallbackOn\":[500,503]")
                + ",{\"provider\":\"mistral\",\"endpoint\":\"v1/chat/completions\",\"query\":{\"model\":\"mistral-small\",\"messages\":[]}}]");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("0");
        assertThat(harness.post("/", "[{\"provider\":\"openai\",\"endpoint\":\"chat/completions\",\"config\":{\"fallbackOn\":[399]},\"query\":{}}]").body())
                .contains("\"field\":\"config.fallbackOn\"", "399 (expected: an HTTP status from 400 to 599)");
    }

    @Test
    void aSingleStepObjectAndACompatStepAreAccepted() {
        start("routes: [{name: r}]\n");
        HttpResponse<String> single = harness.post("/", "{\"provider\":\"openai\",\"endpoint\":\"chat/completions\","
                + "\"query\":{\"model\":\"gpt-a\",\"messages\":[{\"role\":\"user\",\"content\":\"just one\"}]}}");
        assertThat(single.statusCode()).isEqualTo(200);
        assertThat(single.body()).contains("just one");
        HttpResponse<String> compat = harness.post("/", "[{\"provider\":\"compat\",\"endpoint\":\"chat/completions\","
                + "\"query\":{\"model\":\"anthropic/claude-x\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"via compat\"}]}}]");
        assertThat(compat.statusCode()).isEqualTo(200);
        assertThat(compat.body()).contains("chat.completion", "via compat");
        var seen = harness.mock().requests();
        assertThat(seen.get(seen.size() - 1).path()).endsWith("/v1/messages");
        assertThat(seen.get(seen.size() - 1).model()).hasValue("claude-x");
    }

    @Test
    void theFinalRetryWaitsForTheProviderButALoneAttemptTimesOut() {
        // developers.cloudflare.com/ai-gateway/configuration/request-handling: "On the final retry attempt, your
        // gateway will wait until the request completes, regardless of how long it takes."
        start("routes: [{name: r, retry: {max_attempts: 2, retry_delay_ms: 0}}]\n");
        HttpResponse<String> retried = harness.post("/openai/v1/chat/completions", CHAT,
                "cf-aig-request-timeout", "200", "x-mock-delay-ms", "1500");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(harness.mock().requestCount()).isEqualTo(2);
        HttpResponse<String> lone = harness.post("/openai/v1/chat/completions", CHAT,
                "cf-aig-request-timeout", "200", "cf-aig-max-attempts", "1", "x-mock-delay-ms", "1500");
        assertThat(lone.statusCode()).isEqualTo(504);
        assertThat(lone.body()).contains("\"type\":\"upstream_timeout\"");
    }
}
