package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiChatTest {

    static final String REQUEST = """
            {"model":"gpt-4o-mini","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"hello there world"}]}""";
    static final String STREAM_REQUEST = """
            {"model":"gpt-4o-mini","stream":true,"messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"hello there world"}]}""";
    static final String STREAM_USAGE_REQUEST = """
            {"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"hello there world"}]}""";

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
    void answersLikeOpenAi() {
        HttpResponse<String> response = Http.post(mock, "/v1/chat/completions", REQUEST);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = Http.parse(response.body());
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("created").asLong()).isEqualTo(Ids.CREATED);
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Echo: hello there world hello");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        // 2 + 3 words, plus 3 per message; 5 words of answer.
        JsonNode usage = body.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(16);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
    }

    @Test
    void streamsChunksThenFinishThenDone() {
        HttpResponse<String> response = Http.post(mock, "/v1/chat/completions", STREAM_REQUEST);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<Sse> events = Sse.parse(response.body());
        assertThat(events).hasSize(5 + 2);
        assertThat(events).allMatch(e -> e.event() == null);
        List<String> texts = events.subList(0, 5).stream()
                .map(e -> e.json().get("choices").get(0).get("delta").get("content").asText()).toList();
        assertThat(texts).containsExactly("Echo:", " hello", " there", " world", " hello");
        JsonNode first = events.get(0).json();
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        assertThat(first.get("choices").get(0).get("finish_reason").isNull()).isTrue();
        assertThat(first.has("usage")).isFalse();
        assertThat(events.get(1).json().get("choices").get(0).get("delta").has("role")).isFalse();
        JsonNode finish = events.get(5).json().get("choices").get(0);
        assertThat(finish.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.get("delta").isEmpty()).isTrue();
        assertThat(events.get(6).data()).isEqualTo("[DONE]");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void streamsUsageChunkWhenAsked() {
        List<Sse> events = Sse.parse(Http.post(mock, "/v1/chat/completions", STREAM_USAGE_REQUEST).body());

        assertThat(events).hasSize(5 + 3);
        assertThat(events.get(0).json().get("usage").isNull()).isTrue();
        JsonNode usageChunk = events.get(6).json();
        assertThat(usageChunk.get("choices").isEmpty()).isTrue();
        assertThat(usageChunk.get("usage").get("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(usageChunk.get("usage").get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usageChunk.get("usage").get("total_tokens").asInt()).isEqualTo(16);
        assertThat(events.get(7).data()).isEqualTo("[DONE]");
    }

    @Test
    void chunkHeaderSetsTheNumberOfContentChunks() {
        List<Sse> events = Sse.parse(Http.post(mock, "/v1/chat/completions", STREAM_REQUEST, "x-mock-chunks", "50").body());

        List<Sse> content = events.stream()
                .filter(e -> !e.data().equals("[DONE]"))
                .filter(e -> e.json().get("choices").get(0).get("delta").has("content"))
                .toList();
        assertThat(content).hasSize(50);
        JsonNode plain = Http.postJson(mock, "/v1/chat/completions", REQUEST, "x-mock-chunks", "50");
        String streamed = String.join("", content.stream()
                .map(e -> e.json().get("choices").get(0).get("delta").get("content").asText()).toList());
        assertThat(streamed).isEqualTo(plain.get("choices").get(0).get("message").get("content").asText());
        assertThat(plain.get("usage").get("completion_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void cachedTokensHeaderIsReported() {
        JsonNode body = Http.postJson(mock, "/v1/chat/completions", REQUEST, "x-mock-cached-tokens", "7");

        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(body.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/chat/completions", "/v1/chat/completions", "/openai/deployments/x/chat/completions",
            "/openai/v1/chat/completions", "/gw/v1/acct/gw/openai/chat/completions?api-version=2024-10-21"})
    void anyPrefixReachesChatCompletions(String path) {
        assertThat(Http.postJson(mock, path, REQUEST).get("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void readsContentPartsAndEchoesTheLastUserMessage() {
        String request = """
                {"model":"m","messages":[
                  {"role":"user","content":"first question"},
                  {"role":"assistant","content":"an answer"},
                  {"role":"user","content":[{"type":"text","text":"second"},{"type":"image_url","image_url":{"url":"x"}}]}]}""";

        JsonNode body = Http.postJson(mock, "/v1/chat/completions", request, "x-mock-chunks", "2");

        assertThat(body.get("choices").get(0).get("message").get("content").asText()).isEqualTo("Echo: second");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(2 + 2 + 1 + 3 * 3);
    }

    @Test
    void exactWireBytesOfAOneChunkStream() {
        String body = Http.post(mock, "/v1/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-mock-chunks", "1").body();
        String id = Http.parse(body.substring(6, body.indexOf("\n"))).get("id").asText();
        String head = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"m\",";
        String tail = ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fairway_mock\"}";

        assertThat(body).isEqualTo(
                "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Echo: hi\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]" + tail + "\n\n"
                + "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]"
                        + tail + "\n\n"
                + "data: [DONE]\n\n");
    }
}
