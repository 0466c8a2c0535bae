package dev.fairway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.fairway.testing.GatewayHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official SDKs, unchanged but for the base URL, through the standalone gateway to the mock provider. */
class SdkClientsTest {
    private static GatewayHarness harness;
    private static OpenAIClient openai;
    private static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.start();
        openai = OpenAIOkHttpClient.builder().baseUrl(harness.baseUrl() + "/openai/v1").apiKey("client-key-replaced-by-gateway").build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(harness.baseUrl() + "/anthropic").apiKey("client-key").build();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void openaiChatCompletion() {
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("Hello Fairway").build());
        assertThat(c.choices().get(0).message().content()).hasValue("Echo: Hello Fairway Hello Fairway");
        assertThat(c.model()).isEqualTo("gpt-4o-mini");
        var usage = c.usage().orElseThrow();
        assertThat(usage.completionTokens()).isEqualTo(5);
        assertThat(usage.promptTokens()).isPositive();
        var seen = harness.mock().requests().get(harness.mock().requests().size() - 1);
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.header("authorization")).hasValue("Bearer sk-test-openai");
    }

    @Test
    void openaiStreamingChatCompletion() {
        List<String> parts = new ArrayList<>();
        List<Long> usageTotals = new ArrayList<>();
        try (var stream = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("Hello streaming world")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach((ChatCompletionChunk chunk) -> {
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(parts::add));
                chunk.usage().ifPresent(u -> usageTotals.add(u.totalTokens()));
            });
        }
        assertThat(String.join("", parts)).isEqualTo("Echo: Hello streaming world Hello");
        assertThat(parts).hasSize(5);
        assertThat(usageTotals).singleElement().satisfies(t -> assertThat(t).isGreaterThan(5));
    }

    @Test
    void anthropicMessage() {
        Message m = anthropic.messages().create(MessageCreateParams.builder()
                .model("claude-sonnet-4-5").maxTokens(256).addUserMessage("Hello Claude").build());
        assertThat(m.content().get(0).text().orElseThrow().text()).startsWith("Echo: Hello Claude");
        assertThat(m.usage().outputTokens()).isEqualTo(5);
        var seen = harness.mock().requests().get(harness.mock().requests().size() - 1);
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.header("x-api-key")).hasValue("sk-test-anthropic");
    }

    @Test
    void anthropicStreamingMessage() {
        StringBuilder text = new StringBuilder();
        List<Long> outputTokens = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(MessageCreateParams.builder()
                .model("claude-sonnet-4-5").maxTokens(256).addUserMessage("Hello streaming Claude").build())) {
            stream.stream().forEach(event -> {
                event.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text()));
                event.messageDelta().ifPresent(d -> outputTokens.add(d.usage().outputTokens()));
            });
        }
        assertThat(text.toString()).isEqualTo("Echo: Hello streaming Claude Hello");
        assertThat(outputTokens).containsExactly(5L);
    }
}
