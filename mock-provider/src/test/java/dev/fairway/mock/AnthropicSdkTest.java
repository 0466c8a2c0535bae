package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.SseException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official anthropic-java SDK, with response validation on, reads the mock's messages. */
class AnthropicSdkTest {

    static MockProvider mock;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        mock = MockProvider.start(MockOptions.defaults());
        client = AnthropicOkHttpClient.builder()
                .baseUrl(mock.baseUrl())
                .apiKey("sk-ant-test")
                .responseValidation(true)
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        mock.close();
    }

    static MessageCreateParams.Builder params() {
        return MessageCreateParams.builder()
                .model("claude-sonnet-4-5")
                .maxTokens(100)
                .system("Be brief.")
                .addUserMessage("hello there world");
    }

    @Test
    void message() {
        Message message = client.messages().create(params().build());

        assertThat(message.content().get(0).asText().text()).isEqualTo("Echo: hello there world hello");
        assertThat(message.usage().inputTokens()).isEqualTo(11);
        assertThat(message.usage().outputTokens()).isEqualTo(5);
    }

    @Test
    void streamedMessage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params().build())) {
            stream.stream().forEach(event -> accumulator.accumulate(event.validate()));
        }
        Message message = accumulator.message().validate();

        assertThat(message.content().get(0).asText().text()).isEqualTo("Echo: hello there world hello");
        assertThat(message.usage().inputTokens()).isEqualTo(11);
        assertThat(message.usage().outputTokens()).isEqualTo(5);
    }

    @Test
    void streamErrorEventSurfacesAsSseException() {
        MessageCreateParams params = params().putAdditionalHeader("x-mock-error-event", "true").build();

        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
                stream.stream().forEach(event -> { });
            }
        }).isInstanceOf(SseException.class).hasMessageContaining("overloaded_error");
    }

    @Test
    void rateLimitStatusBecomesRateLimitException() {
        MessageCreateParams params = params().putAdditionalHeader("x-mock-status", "429").build();

        assertThatThrownBy(() -> client.messages().create(params)).isInstanceOf(RateLimitException.class);
    }
}
