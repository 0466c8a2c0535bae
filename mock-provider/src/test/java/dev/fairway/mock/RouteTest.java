package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTest {

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "POST, /v1/chat/completions, OPENAI_CHAT, -",
            "POST, /openai/deployments/gpt/chat/completions, OPENAI_CHAT, -",
            "POST, /compat/chat/completions, OPENAI_CHAT, -",
            "POST, /v1/responses, OPENAI_RESPONSES, -",
            "POST, /v1/embeddings, OPENAI_EMBEDDINGS, -",
            "POST, /v1/messages, ANTHROPIC_MESSAGES, -",
            "POST, /v2/chat, COHERE_CHAT, -",
            "GET, /v1/models, MODEL_LIST, -",
            "POST, /v1beta/models/gemini-2.0-flash:generateContent, GOOGLE_GENERATE, gemini-2.0-flash",
            "POST, /v1beta/models/gemini-2.0-flash:streamGenerateContent, GOOGLE_STREAM, gemini-2.0-flash",
            "POST, /bedrock-runtime/us-east-1/model/anthropic.claude-v2/invoke, BEDROCK_INVOKE, anthropic.claude-v2",
            "POST, /model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/converse, BEDROCK_CONVERSE, arn:aws:bedrock:us-east-1:1:inference-profile/x"})
    void matchesOnThePathEnd(String method, String path, Endpoint endpoint, String model) {
        Route route = Route.match(method, path).orElseThrow();

        assertThat(route.endpoint()).isEqualTo(endpoint);
        assertThat(route.pathModel()).isEqualTo(model);
    }

    @ParameterizedTest
    @CsvSource({
            "GET, /v1/chat/completions",
            "POST, /v1/models",
            "POST, /v1/chat",
            "POST, /v1/completions",
            "POST, /models/:generateContent",
            "POST, /model//invoke",
            "POST, /"})
    void rejectsEverythingElse(String method, String path) {
        assertThat(Route.match(method, path)).isEmpty();
    }
}
