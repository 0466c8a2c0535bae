package dev.fairway.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 16. Cloudflare's DLP "can scan both incoming prompts and outgoing AI responses";
 * each policy's Check is Request, Response or Both ("Set up Data Loss Prevention"); a blocked
 * response is error code 2030, "Response content blocked due to DLP policy violations"; the
 * cf-aig-dlp header says whether a finding was in the REQUEST or the RESPONSE. The mock echoes the
 * prompt, so a prompt that is let through comes back in the answer.
 */
class ResponseGuardrailEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** More than a phone number's span of text before it, so the stream has begun when it is found. */
    private static final String PHONE_PROMPT = "please note that the number to call tomorrow morning is +41 44 668 18 00 thanks";
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start("""
                routes:
                  - name: block
                    prefix: /block
                    guardrails: {detectors: [{detector: phone, action: block, check: [response]}]}
                  - name: cf
                    prefix: /cf
                    errors: cloudflare
                    guardrails: {detectors: [{detector: phone, action: block, check: [response]}]}
                  - name: flag
                    prefix: /flag
                    guardrails: {detectors: [{detector: email, action: flag, check: [request, response]}]}
                """, MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String chat(String content, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    @Test
    void aBlockedStreamEndsWithAnErrorEventAndNoneOfTheMatchReachesTheClient() {
        HttpResponse<String> r = gateway.post("/block/openai/v1/chat/completions", chat(PHONE_PROMPT, true), "x-mock-chunks", "12");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("data: ").contains("please").doesNotContain("+41", "668", "[DONE]");
        assertThat(r.body()).endsWith("\n\n").contains("event: error\ndata: {\"error\":{\"type\":\"invalid_request\",\"detector\":\"phone\"");
    }

    @Test
    void theOpenAiSdkRaisesOnTheErrorEvent() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/block/openai/v1").apiKey("unused")
                .maxRetries(0).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try {
            assertThatThrownBy(() -> {
                try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini").addUserMessage(PHONE_PROMPT)
                        .putAdditionalHeader("x-mock-chunks", "12").build())) {
                    stream.stream().forEach(chunks::add);
                }
            }).isInstanceOf(OpenAIException.class).hasMessageContaining("guardrail phone");
        } finally {
            client.close();
        }
        assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.toString()).doesNotContain("+41"));
    }

    @Test
    void aBlockedWholeAnswerIsACleanErrorWithCloudflaresCode2030() throws Exception {
        HttpResponse<String> r = gateway.post("/cf/openai/v1/chat/completions", chat(PHONE_PROMPT, false));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error").get(0);
        assertThat(error.path("code").asInt()).isEqualTo(2030);
        assertThat(error.path("message").asText()).isEqualTo("Response content blocked due to DLP policy violations");
        JsonNode dlp = JSON.readTree(r.headers().firstValue("cf-aig-dlp").orElseThrow());
        assertThat(dlp.path("action").asText()).isEqualTo("BLOCK");
        assertThat(dlp.at("/findings/0/check").asText()).isEqualTo("RESPONSE");
        assertThat(dlp.at("/findings/0/profile/profile_id").asText()).isEqualTo("phone");
        assertThat(r.body()).doesNotContain("668");
    }

    @Test
    void aFlaggedStreamIsRelayedUnchangedWithBothFindingsInTheHeader() throws Exception {
        String request = chat("write to jane.doe@example.ch", true);
        HttpResponse<String> viaGateway = gateway.post("/flag/openai/v1/chat/completions", request);
        assertThat(viaGateway.statusCode()).isEqualTo(200);
        assertThat(viaGateway.body()).contains("jane.doe@example.ch").endsWith("data: [DONE]\n\n");
        // The whole short answer is within one email's span, so the head waited for the verdict.
        JsonNode dlp = JSON.readTree(viaGateway.headers().firstValue("cf-aig-dlp").orElseThrow());
        assertThat(dlp.path("action").asText()).isEqualTo("FLAG");
        assertThat(dlp.path("findings")).extracting(f -> f.path("check").asText()).containsExactly("REQUEST", "RESPONSE");
    }

    @Test
    void checkIsValidatedWithItsPath() {
        ConfigLoader loader = ConfigLoader.withEnv(Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.parseRoute("guardrails: {detectors: [{detector: email, check: [answer]}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guardrails.detectors[0].check[0]: answer (expected: request or response)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.parseRoute("guardrails: {custom: [{name: x, pattern: a, max_match_chars: 0}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guardrails.custom[0].max_match_chars: 0 (expected: 1..8192)");
    }
}
