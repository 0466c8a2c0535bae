package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token and cost rules charged from real answers (the mock reports 5 + 5 tokens), streamed or not. */
class QuotaTokensEndToEndTest {
    private GatewayHarness harness;

    @AfterEach
    void stop() {
        harness.close();
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void tokensAreChargedFromTheAnswersUsage(boolean stream) {
        harness = GatewayHarness.start("routes: [{name: r, quotas: [{name: tokens, key: [route], unit: total_tokens, limit: 15, window: 1h}]}]\n",
                MockOptions.defaults());
        assertThat(harness.post("/openai/v1/chat/completions", chat(stream)).statusCode()).isEqualTo(200);
        HttpResponse<String> second = harness.post("/openai/v1/chat/completions", chat(stream));
        assertThat(second.statusCode()).as("5 of 15 tokens remain after the first answer").isEqualTo(200);
        if (stream) {
            assertThat(second.body()).as("the usage chunk the gateway asked for stays hidden").doesNotContain("\"choices\":[]").contains("[DONE]");
        }
        HttpResponse<String> third = harness.post("/openai/v1/chat/completions", chat(stream));
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("\"rule\":\"tokens\"");
        assertThat(harness.mock().requestCount()).isEqualTo(2);
    }

    @Test
    void costIsChargedFromThePriceOfTheTokens() {
        harness = GatewayHarness.start("""
                routes: [{name: r, quotas: [{name: spend, key: [route], unit: cost_usd, limit: 0.000001, window: 1d}]}]
                """, MockOptions.defaults());
        HttpResponse<String> first = harness.post("/openai/v1/chat/completions", chat(false),
                "cf-aig-custom-cost", "{\"total_cost\":0.000002}");
        assertThat(first.statusCode()).isEqualTo(200);
        HttpResponse<String> second = harness.post("/openai/v1/chat/completions", chat(false));
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).contains("\"rule\":\"spend\"");
    }
}
