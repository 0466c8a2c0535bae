package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.fairway.testing.GatewayHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** openai-java against /compat/chat/completions, answered by Anthropic, Google and OpenAI-format providers through translation. */
class CompatEndpointTest {
    private static GatewayHarness harness;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.start("""
                routes:
                  - {name: main}
                  - {name: eu, prefix: /eu, policy: {allowed_models: ["mistral-*"]}}
                """, dev.fairway.mock.MockOptions.defaults());
        client = OpenAIOkHttpClient.builder().baseUrl(harness.baseUrl() + "/compat").apiKey("unused").build();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic/claude-sonnet-4-5", "google-ai-studio/gemini-2.5-flash", "mistral/mistral-small", "cohere/command-a-03-2025"})
    void answers(String model) {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(model).addSystemMessage("Be brief.").addUserMessage("Hello compat").build());
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Echo: Hello compat"));
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("stop");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
        var seen = harness.mock().requests().get(harness.mock().requests().size() - 1);
        assertThat(seen.model()).hasValue(model.substring(model.indexOf('/') + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic/claude-sonnet-4-5", "google-ai-studio/gemini-2.5-flash", "mistral/mistral-small", "cohere/command-a-03-2025"})
    void streams(String model) {
        List<String> parts = new ArrayList<>();
        List<Long> usage = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("Hello streaming compat")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(parts::add);
                    ch.finishReason().ifPresent(f -> finish.add(f.asString()));
                });
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }
        assertThat(String.join("", parts)).isEqualTo("Echo: Hello streaming compat Hello");
        assertThat(finish).containsExactly("stop");
        assertThat(usage).containsExactly(5L);
    }

    @org.junit.jupiter.api.Test
    void theModelAfterTheSlashIsWhatPolicyJudges() {
        int before = harness.mock().requestCount();
        var refused = harness.post("/eu/compat/chat/completions",
                "{\"model\":\"anthropic/claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("\"rule\":\"allowed_models\"");
        assertThat(harness.mock().requestCount()).isEqualTo(before);
        var allowed = harness.post("/eu/compat/chat/completions",
                "{\"model\":\"mistral/mistral-small\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(allowed.statusCode()).isEqualTo(200);
    }

    @org.junit.jupiter.api.Test
    void aModelWithoutAProviderIsNamed() {
        var r = harness.post("/compat/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"model\"", "provider/model");
    }
}
