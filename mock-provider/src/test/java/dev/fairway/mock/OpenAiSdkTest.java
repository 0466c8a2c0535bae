package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK, with response validation on, reads every OpenAI shape the mock sends. */
class OpenAiSdkTest {

    static MockProvider mock;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        mock = MockProvider.start(MockOptions.defaults());
        client = OpenAIOkHttpClient.builder()
                .baseUrl(mock.baseUrl() + "/v1")
                .apiKey("sk-test")
                .responseValidation(true)
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        mock.close();
    }

    static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addSystemMessage("Be brief.")
                .addUserMessage("hello there world");
    }

    @Test
    void chatCompletion() {
        ChatCompletion completion = client.chat().completions().create(chat().build());

        assertThat(completion.choices().get(0).message().content()).hasValue("Echo: hello there world hello");
        assertThat(completion.model()).isEqualTo("gpt-4o-mini");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(11);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    @Test
    void streamedChatCompletionWithUsage() {
        ChatCompletionCreateParams params = chat()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> accumulator.accumulate(chunk.validate()));
        }
        ChatCompletion completion = accumulator.chatCompletion().validate();

        assertThat(completion.choices().get(0).message().content()).hasValue("Echo: hello there world hello");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(16);
    }

    @Test
    void streamErrorEventSurfacesAsSseException() {
        ChatCompletionCreateParams params = chat()
                .putAdditionalHeader("x-mock-error-event", "true")
                .build();

        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOf(SseException.class);
    }

    @Test
    void rateLimitStatusBecomesRateLimitException() {
        ChatCompletionCreateParams params = chat()
                .putAdditionalHeader("x-mock-status", "429")
                .putAdditionalHeader("x-mock-retry-after", "1")
                .build();

        assertThatThrownBy(() -> client.chat().completions().create(params))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("Rate limit reached");
    }

    @Test
    void responses() {
        Response response = client.responses().create(ResponseCreateParams.builder()
                .model("gpt-4o").instructions("Be brief.").input("tell me a joke").build());

        assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text())
                .isEqualTo("Echo: tell me a joke");
        assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(12);
    }

    @Test
    void streamedResponses() {
        ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-4o").input("tell me a joke").build();
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event.validate());
                event.outputTextDelta().ifPresent(d -> deltas.add(d.delta()));
            });
        }
        Response response = accumulator.response();

        assertThat(deltas).hasSize(5);
        assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text())
                .isEqualTo("Echo: tell me a joke");
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(5);
    }

    @Test
    void embeddingsInTheSdkDefaultBase64Encoding() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("alpha beta").build());

        assertThat(mock.requests().get(mock.requestCount() - 1).bodyText()).contains("\"encoding_format\":\"base64\"");
        assertThat(response.data().get(0).embedding()).hasSize(8);
        assertThat(response.usage().promptTokens()).isEqualTo(2);
    }

    @Test
    void modelList() {
        List<Model> models = client.models().list().data();

        assertThat(models).extracting(Model::id).contains("gpt-4o-mini", "mock-model");
    }
}
