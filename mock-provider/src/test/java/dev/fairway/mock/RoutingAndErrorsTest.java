package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoutingAndErrorsTest {

    static MockProvider mock;

    @BeforeAll
    static void start() {
        mock = MockProvider.start(MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @Test
    void listsModelsLikeOpenAi() {
        HttpResponse<String> response = Http.get(mock, "/openai/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Http.parse(response.body());
        assertThat(body.get("object").asText()).isEqualTo("list");
        JsonNode first = body.get("data").get(0);
        assertThat(first.get("object").asText()).isEqualTo("model");
        assertThat(first.has("id")).isTrue();
        assertThat(first.has("created")).isTrue();
        assertThat(first.get("owned_by").asText()).isEqualTo("fairway-mock");
    }

    @Test
    void unknownPathsAre404WithAnOpenAiError() {
        HttpResponse<String> response = Http.post(mock, "/v1/completions-of-some-sort", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(Http.parse(response.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(Http.parse(response.body()).at("/error/message").asText()).contains("/v1/completions-of-some-sort");
    }

    @Test
    void theWrongMethodIs404() {
        assertThat(Http.get(mock, "/v1/chat/completions").statusCode()).isEqualTo(404);
        assertThat(Http.post(mock, "/v1/models", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void aTrailingSlashIsTolerated() {
        assertThat(Http.post(mock, "/v1/chat/completions/", OpenAiChatTest.REQUEST).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedJsonIs400InEachProvidersShape() {
        HttpResponse<String> openai = Http.post(mock, "/v1/chat/completions", "{\"model\":");
        assertThat(openai.statusCode()).isEqualTo(400);
        assertThat(Http.parse(openai.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

        HttpResponse<String> anthropic = Http.post(mock, "/v1/messages", "not json");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        assertThat(Http.parse(anthropic.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

        HttpResponse<String> google = Http.post(mock, "/v1beta/models/g:generateContent", "[1,2]");
        assertThat(google.statusCode()).isEqualTo(400);
        assertThat(Http.parse(google.body()).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");

        HttpResponse<String> cohere = Http.post(mock, "/v2/chat", "");
        assertThat(cohere.statusCode()).isEqualTo(400);
        assertThat(Http.parse(cohere.body()).get("message").asText()).contains("empty");

        HttpResponse<String> bedrock = Http.post(mock, "/model/m/invoke", "{");
        assertThat(bedrock.statusCode()).isEqualTo(400);
        assertThat(bedrock.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
    }

    @Test
    void expectContinueIsAnswered() {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(mock.baseUrl() + "/v1/chat/completions"))
                .expectContinue(true)
                .timeout(java.time.Duration.ofSeconds(5))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(OpenAiChatTest.REQUEST))
                .build();

        assertThat(Http.send(request).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedRequestsAreStillRecorded() {
        int before = mock.requestCount();
        Http.post(mock, "/v1/chat/completions", "{oops");

        RecordedRequest last = mock.requests().get(before);
        assertThat(last.bodyText()).isEqualTo("{oops");
        assertThat(last.model()).isEmpty();
    }
}
