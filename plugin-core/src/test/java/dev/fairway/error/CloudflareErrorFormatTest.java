package dev.fairway.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.guardrail.GuardrailStage;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.QuotaStage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 15. Cloudflare answers its own errors as
 * {@code {"success":false,"result":[],"messages":[],"error":[{"code":2009,"message":"Unauthorized"}]}}
 * (developers.cloudflare.com/changelog "Standardize provider credential error responses in AI
 * Gateway": HTTP 401 with error code 2009; "Set up Data Loss Prevention": a blocked request is code
 * 2029, "Request content blocked due to DLP policy violations"). A route with {@code errors: cloudflare}
 * answers so; the default format and every status code stay as they are.
 */
class CloudflareErrorFormatTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

    private final GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("""
            routes:
              - name: cf
                prefix: /cf
                errors: cloudflare
                auth: {enabled: true, clients: [{name: a, token_sha256: "%1$s"}]}
              - name: cf-open
                prefix: /cfo
                errors: cloudflare
                guardrails: {detectors: [{detector: email, action: block}]}
                quotas: [{name: two, limit: 1, window: 1h}]
              - name: plain
                prefix: /p
                auth: {enabled: true, clients: [{name: a, token_sha256: "%1$s"}]}
            """.formatted("0".repeat(64)));
    private final Gateway gateway = new Gateway(config, ProviderRegistry.builtIn(),
            List.of(new GuardrailStage(), QuotaStage.forConfig(config)));

    private Decision.Answer post(String path, Headers headers, String content) {
        return (Decision.Answer) decide(path, headers, content);
    }

    private Decision decide(String path, Headers headers, String content) {
        headers.set("content-type", "application/json");
        return gateway.decide(GatewayRequest.of("POST", path, headers,
                CHAT.formatted(content).getBytes(StandardCharsets.UTF_8))).join();
    }

    private static JsonNode json(Decision.Answer a) throws Exception {
        return MAPPER.readTree(a.body());
    }

    @Test
    void unauthorizedIs401WithCode2009InCloudflaresEnvelope() throws Exception {
        Decision.Answer a = post("/cf/openai/v1/chat/completions", new Headers(), "hi");
        assertThat(a.status()).isEqualTo(401);
        assertThat(new String(a.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"success\":false,\"result\":[],\"messages\":[],\"error\":[{\"code\":2009,\"message\":\"Unauthorized\"}]}");
        assertThat(a.headers().get("content-type")).isEqualTo("application/json");
        assertThat(a.headers().get("cf-aig-log-id")).isNotNull();
    }

    @Test
    void theDefaultFormatIsUnchanged() throws Exception {
        Decision.Answer a = post("/p/openai/v1/chat/completions", new Headers(), "hi");
        assertThat(a.status()).isEqualTo(401);
        assertThat(json(a).path("error").path("type").asText()).isEqualTo("unauthorized");
        assertThat(json(a).has("success")).isFalse();
    }

    @Test
    void dlpBlockIs2029AndKeepsItsStatus() throws Exception {
        Decision.Answer a = post("/cfo/openai/v1/chat/completions", new Headers(), "mail jane.doe@example.ch");
        assertThat(a.status()).isEqualTo(400);
        JsonNode error = json(a).path("error").get(0);
        assertThat(error.path("code").asInt()).isEqualTo(2029);
        assertThat(error.path("message").asText()).isEqualTo("Request content blocked due to DLP policy violations");
        assertThat(a.headers().get("cf-aig-dlp")).contains("\"action\":\"BLOCK\"");
    }

    @Test
    void rateLimitedIs429With2003AndKeepsRetryAfter() throws Exception {
        assertThat(decide("/cfo/openai/v1/chat/completions", new Headers(), "one")).isInstanceOf(Decision.Forward.class);
        Decision.Answer a = post("/cfo/openai/v1/chat/completions", new Headers(), "two");
        assertThat(a.status()).isEqualTo(429);
        assertThat(json(a).path("success").asBoolean(true)).isFalse();
        assertThat(json(a).path("error").get(0).path("code").asInt()).isEqualTo(2003);
        assertThat(a.headers().get("retry-after")).isNotNull();
    }

    @Test
    void errorsCloudflareHasNoCodeForCarryTheirStatusAsCodeAndTheGatewaysMessage() throws Exception {
        Decision.Answer bad = post("/cfo/nosuch/v1/chat/completions", new Headers(), "hi");
        assertThat(bad.status()).isEqualTo(404);
        JsonNode error = json(bad).path("error").get(0);
        assertThat(error.path("code").asInt()).isEqualTo(404);
        assertThat(error.path("message").asText()).contains("nosuch");
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheField() {
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse("routes: [{name: x, errors: aws}]"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[0].errors");
    }
}
