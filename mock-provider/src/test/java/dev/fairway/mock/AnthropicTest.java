package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnthropicTest {

    static final String REQUEST = """
            {"model":"claude-sonnet-4-5","max_tokens":100,"system":"Be brief.",
             "messages":[{"role":"user","content":"hello there world"}]}""";
    static final String STREAM_REQUEST = """
            {"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"system":[{"type":"text","text":"Be brief."}],
             "messages":[{"role":"user","content":[{"type":"text","text":"hello there world"}]}]}""";

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
    void answersWithAMessage() {
        JsonNode body = Http.postJson(mock, "/v1/messages", REQUEST);

        assertThat(body.get("id").asText()).startsWith("msg_");
        assertThat(body.get("type").asText()).isEqualTo("message");
        assertThat(body.get("role").asText()).isEqualTo("assistant");
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.get("content")).hasSize(1);
        assertThat(body.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(body.at("/content/0/text").asText()).isEqualTo("Echo: hello there world hello");
        assertThat(body.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.get("stop_sequence").isNull()).isTrue();
        JsonNode usage = body.get("usage");
        assertThat(usage.get("input_tokens").asInt()).isEqualTo(11);
        assertThat(usage.get("output_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("cache_read_input_tokens").asInt()).isZero();
        assertThat(usage.get("cache_creation_input_tokens").asInt()).isZero();
    }

    @Test
    void cachedTokensAreSplitOutOfInputTokensAsAnthropicDoes() {
        JsonNode usage = Http.postJson(mock, "/v1/messages", REQUEST, "x-mock-cached-tokens", "4").get("usage");

        assertThat(usage.get("input_tokens").asInt()).isEqualTo(7);
        assertThat(usage.get("cache_read_input_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void streamsAnthropicEvents() {
        HttpResponse<String> response = Http.post(mock, "/v1/messages", STREAM_REQUEST);
        List<Sse> events = Sse.parse(response.body());

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(events).extracting(Sse::event).containsExactly(
                "message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        for (Sse event : events) {
            assertThat(event.json().get("type").asText()).isEqualTo(event.event());
        }
        assertThat(response.body()).startsWith("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{");
        JsonNode start = events.get(0).json().get("message");
        assertThat(start.get("id").asText()).startsWith("msg_");
        assertThat(start.get("content")).isEmpty();
        assertThat(start.get("stop_reason").isNull()).isTrue();
        assertThat(start.at("/usage/input_tokens").asInt()).isEqualTo(11);
        assertThat(events.get(1).json().at("/content_block/type").asText()).isEqualTo("text");
        List<String> deltas = events.subList(3, 8).stream().map(e -> {
            assertThat(e.json().at("/delta/type").asText()).isEqualTo("text_delta");
            return e.json().at("/delta/text").asText();
        }).toList();
        assertThat(deltas).containsExactly("Echo:", " hello", " there", " world", " hello");
        JsonNode messageDelta = events.get(9).json();
        assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(messageDelta.at("/usage/output_tokens").asInt()).isEqualTo(5);
        assertThat(response.body()).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void modelIsEchoedAndDefaultsWhenMissing() {
        JsonNode body = Http.postJson(mock, "/anthropic/v1/messages", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(body.get("model").asText()).isEqualTo("claude-mock");
    }
}
