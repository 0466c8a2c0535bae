package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Mistral streams report usage on their last chunk, unasked: Mistral has no stream_options. */
class MistralTest {
    static MockProvider mock;

    @BeforeAll
    static void start() {
        mock = MockProvider.start(MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    static List<JsonNode> chunks(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            String data = event.substring("data: ".length());
            if (!data.equals("[DONE]")) {
                out.add(Http.JSON.readTree(data));
            }
        }
        return out;
    }

    @Test
    void theLastChunkCarriesUsageWithTheFinishReason() throws Exception {
        String request = "{\"model\":\"mistral-small-latest\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello there world\"}]}";
        String body = Http.post(mock, "/mistral/v1/chat/completions", request, "x-mock-chunks", "2").body();
        assertThat(body).endsWith("data: [DONE]\n\n");
        List<JsonNode> chunks = chunks(body);
        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.subList(0, 3)).allSatisfy(c -> assertThat(c.has("usage")).isFalse());
        JsonNode last = chunks.get(3);
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode whole = Http.postJson(mock, "/mistral/v1/chat/completions", request.replace("\"stream\":true", "\"stream\":false"),
                "x-mock-chunks", "2");
        for (String field : List.of("prompt_tokens", "completion_tokens", "total_tokens")) {
            assertThat(last.at("/usage/" + field).asInt()).isPositive().isEqualTo(whole.at("/usage/" + field).asInt());
        }
        assertThat(body).doesNotContain("system_fingerprint", "\"usage\":null");
    }

    @Test
    void streamOptionsChangeNothing() throws Exception {
        String plain = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        String without = Http.post(mock, "/mistral/v1/chat/completions", plain + "}").body();
        String off = Http.post(mock, "/mistral/v1/chat/completions", plain + ",\"stream_options\":{\"include_usage\":false}}").body();
        assertThat(chunks(without).get(chunks(without).size() - 1).has("usage")).isTrue();
        assertThat(chunks(off).get(chunks(off).size() - 1).has("usage")).isTrue();
    }

    @Test
    void theOpenAiPathIsUnchanged() throws Exception {
        String request = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<JsonNode> chunks = chunks(Http.post(mock, "/v1/chat/completions", request).body());
        assertThat(chunks).noneMatch(c -> c.has("usage"));
    }
}
