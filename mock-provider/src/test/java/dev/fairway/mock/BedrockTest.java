package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BedrockTest {

    static final String INVOKE = """
            {"anthropic_version":"bedrock-2023-05-31","max_tokens":50,"system":"Be brief.",
             "messages":[{"role":"user","content":"hello there world"}]}""";
    static final String CONVERSE = """
            {"system":[{"text":"Be brief."}],
             "messages":[{"role":"user","content":[{"text":"hello there world"}]}]}""";

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
    void invokeAnswersWithTheAnthropicMessageShape() {
        JsonNode body = Http.postJson(mock,
                "/aws-bedrock/bedrock-runtime/us-east-1/model/anthropic.claude-3-haiku-20240307-v1:0/invoke", INVOKE);

        assertThat(body.get("type").asText()).isEqualTo("message");
        assertThat(body.get("model").asText()).isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(body.at("/content/0/text").asText()).isEqualTo("Echo: hello there world hello");
        assertThat(body.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.at("/usage/input_tokens").asInt()).isEqualTo(11);
        assertThat(body.at("/usage/output_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void converseAnswersWithOutputMessageAndUsage() {
        JsonNode body = Http.postJson(mock, "/model/amazon.nova-lite-v1%3A0/converse", CONVERSE);

        assertThat(body.at("/output/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/output/message/content/0/text").asText()).isEqualTo("Echo: hello there world hello");
        assertThat(body.get("stopReason").asText()).isEqualTo("end_turn");
        assertThat(body.at("/usage/inputTokens").asInt()).isEqualTo(11);
        assertThat(body.at("/usage/outputTokens").asInt()).isEqualTo(5);
        assertThat(body.at("/usage/totalTokens").asInt()).isEqualTo(16);
        assertThat(mock.requests().get(mock.requestCount() - 1).model()).hasValue("amazon.nova-lite-v1:0");
    }

    @Test
    void errorsUseTheAwsShape() {
        HttpResponse<String> response = Http.post(mock, "/model/m/converse", CONVERSE, "x-mock-status", "429");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("ThrottlingException");
        assertThat(Http.parse(response.body()).get("message").asText()).contains("Rate limit");
    }
}
