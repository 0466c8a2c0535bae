package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every x-mock-* fault header, over real HTTP. */
class FaultHeadersTest {

    static final String CHAT = OpenAiChatTest.REQUEST;
    static final String CHAT_STREAM = OpenAiChatTest.STREAM_REQUEST;
    static final String MESSAGES_STREAM = AnthropicTest.STREAM_REQUEST;

    static MockProvider mock;

    @BeforeAll
    static void start() {
        mock = MockProvider.start(MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    @Test
    void statusAndRetryAfterInTheOpenAiShape() {
        HttpResponse<String> response = Http.post(mock, "/v1/chat/completions", CHAT,
                "x-mock-status", "429", "x-mock-retry-after", "2");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("2");
        JsonNode error = Http.parse(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("requests");
        assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("message").asText()).contains("mock");
    }

    @Test
    void statusUsesEachProvidersErrorShape() {
        JsonNode anthropic = Http.parse(Http.post(mock, "/v1/messages", AnthropicTest.REQUEST, "x-mock-status", "503").body());
        assertThat(anthropic.get("type").asText()).isEqualTo("error");
        assertThat(anthropic.at("/error/type").asText()).isEqualTo("overloaded_error");

        JsonNode google = Http.parse(Http.post(mock, "/v1beta/models/g:generateContent", GoogleTest.REQUEST,
                "x-mock-status", "503").body());
        assertThat(google.at("/error/code").asInt()).isEqualTo(503);
        assertThat(google.at("/error/status").asText()).isEqualTo("UNAVAILABLE");

        JsonNode cohere = Http.parse(Http.post(mock, "/v2/chat", CohereTest.REQUEST, "x-mock-status", "500").body());
        assertThat(cohere.get("message").asText()).contains("HTTP 500");
    }

    @Test
    void statusOnAStreamingRequestIsAPlainJsonError() {
        HttpResponse<String> response = Http.post(mock, "/v1/chat/completions", CHAT_STREAM, "x-mock-status", "500");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(Http.parse(response.body()).at("/error/type").asText()).isEqualTo("server_error");
    }

    @Test
    void retryAfterAloneMeansTheDefault503() {
        HttpResponse<String> response = Http.post(mock, "/v1/chat/completions", CHAT, "x-mock-retry-after", "5");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).hasValue("5");
    }

    @Test
    void delayHoldsBackTheFirstByte() {
        long started = System.nanoTime();
        HttpResponse<String> response = Http.post(mock, "/v1/chat/completions", CHAT, "x-mock-delay-ms", "300");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(290);
    }

    @Test
    void chunkDelayPacesTheStream() {
        long started = System.nanoTime();
        List<Sse> events = Sse.parse(Http.post(mock, "/v1/chat/completions", CHAT_STREAM, "x-mock-chunk-delay-ms", "40").body());

        assertThat(events).hasSize(7);
        // Six gaps between seven events.
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(6 * 40 - 10);
    }

    @Test
    void cutAfterEndsTheOpenAiStreamAbruptly() throws IOException {
        Http.Received received = Http.receive(mock, "/v1/chat/completions", CHAT_STREAM, "x-mock-cut-after", "3");

        assertThat(received.status()).isEqualTo(200);
        assertThat(received.failure()).isNotNull();
        List<Sse> events = Sse.parse(received.body());
        assertThat(events).hasSize(3);
        assertThat(received.body()).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
    }

    @Test
    void cutAfterKeepsAnthropicsOpeningEvents() throws IOException {
        Http.Received received = Http.receive(mock, "/v1/messages", MESSAGES_STREAM, "x-mock-cut-after", "2");

        assertThat(received.failure()).isNotNull();
        assertThat(Sse.parse(received.body())).extracting(Sse::event).containsExactly(
                "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta");
    }

    @Test
    void cutAfterOnANonStreamingAnswerTruncatesTheBody() throws IOException {
        Http.Received received = Http.receive(mock, "/v1/chat/completions", CHAT, "x-mock-cut-after", "0");

        assertThat(received.status()).isEqualTo(200);
        assertThat(received.failure()).isNotNull();
        assertThat(received.body()).startsWith("{\"id\":\"chatcmpl-");
    }

    @Test
    void resetDropsTheConnectionWithoutAnAnswer() {
        assertThatThrownBy(() -> Http.post(mock, "/v1/chat/completions", CHAT, "x-mock-reset", "true"))
                .isInstanceOf(UncheckedIOException.class);

        assertThat(mock.requestCount()).isEqualTo(1);
        assertThat(Http.post(mock, "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void errorEventEndsTheOpenAiStreamWithAnErrorObject() throws IOException {
        Http.Received received = Http.receive(mock, "/v1/chat/completions", CHAT_STREAM, "x-mock-error-event", "true");

        assertThat(received.failure()).isNull();
        List<Sse> events = Sse.parse(received.body());
        assertThat(events).hasSize(6);
        assertThat(events.get(5).json().at("/error/type").asText()).isEqualTo("server_error");
        assertThat(received.body()).doesNotContain("[DONE]");
    }

    @Test
    void errorEventInEachStreamingFormat() {
        List<Sse> anthropic = Sse.parse(Http.post(mock, "/v1/messages", MESSAGES_STREAM, "x-mock-error-event", "true").body());
        assertThat(anthropic.get(anthropic.size() - 1).event()).isEqualTo("error");
        assertThat(anthropic.get(anthropic.size() - 1).json().at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(anthropic).extracting(Sse::event).doesNotContain("message_stop", "content_block_stop");

        List<Sse> responses = Sse.parse(Http.post(mock, "/v1/responses", OpenAiResponsesTest.STREAM_REQUEST,
                "x-mock-error-event", "true").body());
        Sse last = responses.get(responses.size() - 1);
        assertThat(last.event()).isEqualTo("error");
        assertThat(last.json().get("sequence_number").asInt()).isEqualTo(responses.size() - 1);

        List<Sse> google = Sse.parse(Http.post(mock, "/v1beta/models/g:streamGenerateContent?alt=sse", GoogleTest.REQUEST,
                "x-mock-error-event", "true").body());
        assertThat(google.get(google.size() - 1).json().at("/error/status").asText()).isEqualTo("INTERNAL");

        List<Sse> cohere = Sse.parse(Http.post(mock, "/v2/chat", CohereTest.STREAM_REQUEST, "x-mock-error-event", "true").body());
        assertThat(cohere.get(cohere.size() - 1).json().at("/delta/finish_reason").asText()).isEqualTo("ERROR");
    }

    @Test
    void errorEventInGoogleArrayStreamKeepsTheArrayValid() throws IOException {
        Http.Received received = Http.receive(mock, "/v1beta/models/g:streamGenerateContent", GoogleTest.REQUEST,
                "x-mock-error-event", "true", "x-mock-cut-after", "2");

        assertThat(received.failure()).isNotNull();
        JsonNode array = received.json();
        assertThat(array).hasSize(3);
        assertThat(array.get(2).at("/error/code").asInt()).isEqualTo(500);
    }

    @Test
    void errorEventAfterACutComesBeforeTheAbruptEnd() throws IOException {
        Http.Received received = Http.receive(mock, "/v1/chat/completions", CHAT_STREAM,
                "x-mock-cut-after", "2", "x-mock-error-event", "true");

        assertThat(received.failure()).isNotNull();
        List<Sse> events = Sse.parse(received.body());
        assertThat(events).hasSize(3);
        assertThat(events.get(2).json().has("error")).isTrue();
    }

    @Test
    void errorIn200SendsTheErrorBodyWithStatus200() {
        HttpResponse<String> response = Http.post(mock, "/v1/messages", AnthropicTest.REQUEST, "x-mock-error-in-200", "true");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.parse(response.body()).get("type").asText()).isEqualTo("error");
    }

    @Test
    void failTimesWithAKeyFailsTheFirstNRequestsCarryingIt() {
        String[] headers = {"x-mock-fail-times", "2", "x-mock-fail-key", "retry-test"};

        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(503);
        assertThat(Http.post(mock, "/v1/chat/completions", AnthropicTest.REQUEST, headers).statusCode()).isEqualTo(503);
        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(200);
        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(200);
    }

    @Test
    void failTimesWithoutAKeyCountsRetriesOfTheSameRequest() {
        String[] headers = {"x-mock-fail-times", "1", "x-mock-status", "429"};

        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(429);
        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(200);
        assertThat(Http.post(mock, "/v1/chat/completions", CHAT_STREAM, headers).statusCode()).isEqualTo(429);
    }

    @Test
    void resetRestartsFailureBudgets() {
        String[] headers = {"x-mock-fail-times", "1", "x-mock-fail-key", "k"};
        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(503);
        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(200);

        mock.reset();

        assertThat(Http.post(mock, "/v1/chat/completions", CHAT, headers).statusCode()).isEqualTo(503);
    }

    @Test
    void failModelAppliesTheFaultOnlyToThatModel() {
        String failing = CHAT.replace("gpt-4o-mini", "gpt-a");
        String healthy = CHAT.replace("gpt-4o-mini", "gpt-b");

        assertThat(Http.post(mock, "/v1/chat/completions", failing, "x-mock-fail-model", "gpt-a").statusCode()).isEqualTo(503);
        assertThat(Http.post(mock, "/v1/chat/completions", healthy, "x-mock-fail-model", "gpt-a").statusCode()).isEqualTo(200);
        assertThat(Http.post(mock, "/v1beta/models/gpt-a:generateContent", GoogleTest.REQUEST,
                "x-mock-fail-model", "gpt-a", "x-mock-status", "500").statusCode()).isEqualTo(500);
    }

    @Test
    void badHeaderValuesAreRejectedNamingTheHeader() {
        HttpResponse<String> status = Http.post(mock, "/v1/chat/completions", CHAT, "x-mock-status", "200");
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(status.body()).contains("x-mock-status must be 400..599");

        HttpResponse<String> chunks = Http.post(mock, "/v1/messages", AnthropicTest.REQUEST, "x-mock-chunks", "lots");
        assertThat(chunks.statusCode()).isEqualTo(400);
        assertThat(Http.parse(chunks.body()).at("/error/message").asText()).contains("x-mock-chunks must be an integer");

        HttpResponse<String> key = Http.post(mock, "/v1/chat/completions", CHAT, "x-mock-fail-key", "k");
        assertThat(key.statusCode()).isEqualTo(400);
        assertThat(key.body()).contains("x-mock-fail-times");

        HttpResponse<String> flag = Http.post(mock, "/v1/chat/completions", CHAT, "x-mock-reset", "maybe");
        assertThat(flag.statusCode()).isEqualTo(400);
    }

    @Test
    void aClientThatLeavesMidStreamDoesNotDisturbTheNextRequest() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(mock.baseUrl() + "/v1/chat/completions"))
                .header("x-mock-chunks", "1000").header("x-mock-chunk-delay-ms", "5")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(CHAT_STREAM)).build();
        var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        try (var in = client.send(request, HttpResponse.BodyHandlers.ofInputStream()).body()) {
            assertThat(in.read(new byte[64])).isPositive();
        }
        client.close();

        assertThat(Http.post(mock, "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    }
}
