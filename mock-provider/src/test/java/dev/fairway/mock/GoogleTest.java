package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GoogleTest {

    static final String REQUEST = """
            {"systemInstruction":{"parts":[{"text":"Be brief."}]},
             "contents":[{"role":"user","parts":[{"text":"hello there world"}]}]}""";

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
    void generateContentAnswersWithCandidatesAndUsage() {
        JsonNode body = Http.postJson(mock, "/v1beta/models/gemini-2.0-flash:generateContent", REQUEST);

        JsonNode candidate = body.get("candidates").get(0);
        assertThat(candidate.at("/content/parts/0/text").asText()).isEqualTo("Echo: hello there world hello");
        assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
        assertThat(candidate.get("finishReason").asText()).isEqualTo("STOP");
        assertThat(body.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(11);
        assertThat(body.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(5);
        assertThat(body.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(16);
        assertThat(body.get("modelVersion").asText()).isEqualTo("gemini-2.0-flash");
        assertThat(mock.requests().get(mock.requestCount() - 1).model()).hasValue("gemini-2.0-flash");
    }

    @Test
    void streamGenerateContentWithAltSseSendsDataEvents() {
        HttpResponse<String> response = Http.post(mock,
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", REQUEST);
        List<Sse> events = Sse.parse(response.body());

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(events).hasSize(5).allMatch(e -> e.event() == null);
        for (int i = 0; i < 4; i++) {
            JsonNode chunk = events.get(i).json();
            assertThat(chunk.at("/candidates/0/content/role").asText()).isEqualTo("model");
            assertThat(chunk.at("/candidates/0").has("finishReason")).isFalse();
            assertThat(chunk.has("usageMetadata")).isFalse();
        }
        JsonNode last = events.get(4).json();
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(last.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(11);
        assertThat(last.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(5);
        String text = String.join("", events.stream().map(e -> e.json().at("/candidates/0/content/parts/0/text").asText()).toList());
        assertThat(text).isEqualTo("Echo: hello there world hello");
    }

    @Test
    void streamGenerateContentWithoutAltSseStreamsOneJsonArray() {
        HttpResponse<String> response = Http.post(mock, "/v1beta/models/gemini-2.0-flash:streamGenerateContent", REQUEST);

        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode array = Http.parse(response.body());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(5);
        assertThat(array.get(4).at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(16);
    }

    @Test
    void vertexStylePathsWork() {
        JsonNode body = Http.postJson(mock,
                "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-1.5-pro:generateContent", REQUEST);

        assertThat(body.get("modelVersion").asText()).isEqualTo("gemini-1.5-pro");
    }

    @Test
    void cachedTokensAppearAsCachedContentTokenCount() {
        JsonNode body = Http.postJson(mock, "/v1beta/models/g:generateContent", REQUEST, "x-mock-cached-tokens", "3");

        assertThat(body.at("/usageMetadata/cachedContentTokenCount").asInt()).isEqualTo(3);
        assertThat(body.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(11);
    }
}
