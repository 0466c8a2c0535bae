package dev.fairway.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 15, for errors the dispatcher makes (a provider that does not answer in time): the
 * route's wording applies there too, the status stays 504, and a provider's own error passes through
 * untouched.
 */
class CloudflareErrorRelayTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start("""
                routes:
                  - {name: cf, prefix: /cf, errors: cloudflare, request_timeout_ms: 200}
                """, MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aTimeoutIs504InCloudflaresEnvelope() {
        HttpResponse<String> r = gateway.post("/cf/openai/v1/chat/completions", CHAT, "x-mock-delay-ms", "5000");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).startsWith("{\"success\":false,\"result\":[],\"messages\":[],\"error\":[{\"code\":504,\"message\":\"the provider sent no response within 200 ms\"}]}");
    }

    @Test
    void providerErrorsPassThroughAsTheProviderSentThem() {
        HttpResponse<String> r = gateway.post("/cf/openai/v1/chat/completions", CHAT, "x-mock-status", "429");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("\"type\":\"requests\"").doesNotContain("\"success\"");
    }
}
