package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UniversalEndpointTest {
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.start("""
                routes:
                  - {name: r, prefix: /ai}
                  - {name: eu, prefix: /eu, policy: {denied_providers: [openai]}}
                """, dev.fairway.mock.MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void stepsAreTriedInOrderAndTheAnsweringOneIsNamed() {
        HttpResponse<String> r = harness.post("/ai", """
                [
                  {"provider": "openai", "endpoint": "chat/completions", "headers": {"x-mock-status": "500"},
                   "query": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "first"}]}},
                  {"provider": "anthropic", "endpoint": "v1/messages", "headers": {"anthropic-version": "2023-06-01"},
                   "query": {"model": "claude-x", "max_tokens": 64, "messages": [{"role": "user", "content": "second"}]},
                   "config": {"maxAttempts": 1}}
                ]""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
        assertThat(r.body()).contains("Echo: second");
        var seen = harness.mock().requests();
        assertThat(seen.get(seen.size() - 1).header("anthropic-version")).hasValue("2023-06-01");
    }

    @Test
    void malformedStepsNameTheStepAndField() {
        HttpResponse<String> r = harness.post("/ai", "[{\"provider\":\"openai\",\"endpoint\":\"chat/completions\",\"query\":{}},"
                + "{\"provider\":\"openai\",\"query\":{}}]");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"step\":1", "\"field\":\"endpoint\"", "step 1 endpoint: required string");
        assertThat(harness.post("/ai", "{\"provider\":\"openai\"}").body()).contains("\"step\":0", "\"field\":\"endpoint\"");
        assertThat(harness.post("/ai", "[]").body()).contains("or a non-empty JSON array of them");
        assertThat(harness.post("/ai", "[{\"provider\":\"nope\",\"endpoint\":\"x\",\"query\":{}}]").body())
                .contains("\"step\":0", "\"field\":\"provider\"", "unknown provider nope");
        assertThat(harness.post("/ai", "[{\"provider\":\"openai\",\"endpoint\":\"x\",\"query\":{},\"config\":{\"maxAttempts\":9}}]").body())
                .contains("\"field\":\"config.maxAttempts\"", "1 to 5");
    }

    @Test
    void forbiddenStepsAreNeverCalled() {
        int before = harness.mock().requestCount();
        HttpResponse<String> r = harness.post("/eu", """
                [{"provider": "openai", "endpoint": "chat/completions", "query": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}},
                 {"provider": "mistral", "endpoint": "v1/chat/completions", "query": {"model": "mistral-small", "messages": [{"role": "user", "content": "eu only"}]}}]""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
        assertThat(harness.mock().requestCount()).isEqualTo(before + 1);
        HttpResponse<String> none = harness.post("/eu", """
                [{"provider": "openai", "endpoint": "chat/completions", "query": {"model": "gpt-4o-mini", "messages": []}}]""");
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("\"rule\":\"denied_providers\"");
        assertThat(harness.mock().requestCount()).isEqualTo(before + 1);
    }
}
