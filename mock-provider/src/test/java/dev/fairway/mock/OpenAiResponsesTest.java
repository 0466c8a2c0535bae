package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenAiResponsesTest {

    static final String REQUEST = """
            {"model":"gpt-4o","instructions":"Be brief.","input":"tell me a joke"}""";
    static final String STREAM_REQUEST = """
            {"model":"gpt-4o","instructions":"Be brief.","input":"tell me a joke","stream":true}""";

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
    void answersWithAResponseObject() {
        JsonNode body = Http.postJson(mock, "/v1/responses", REQUEST);

        assertThat(body.get("id").asText()).startsWith("resp_");
        assertThat(body.get("object").asText()).isEqualTo("response");
        assertThat(body.get("status").asText()).isEqualTo("completed");
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(body.get("instructions").asText()).isEqualTo("Be brief.");
        JsonNode message = body.get("output").get(0);
        assertThat(message.get("type").asText()).isEqualTo("message");
        assertThat(message.get("role").asText()).isEqualTo("assistant");
        JsonNode part = message.get("content").get(0);
        assertThat(part.get("type").asText()).isEqualTo("output_text");
        assertThat(part.get("text").asText()).isEqualTo("Echo: tell me a joke");
        JsonNode usage = body.get("usage");
        // (2 + 3) + (4 + 3) input; "Echo:" and 4 words out.
        assertThat(usage.get("input_tokens").asInt()).isEqualTo(12);
        assertThat(usage.get("output_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(17);
        assertThat(usage.get("input_tokens_details").get("cached_tokens").asInt()).isZero();
    }

    @Test
    void readsMessageItemsWithInputTextParts() {
        String request = """
                {"model":"gpt-4o","input":[
                  {"role":"user","content":"first"},
                  {"role":"assistant","content":[{"type":"output_text","text":"reply"}]},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"second one"}]}]}""";

        JsonNode body = Http.postJson(mock, "/v1/responses", request, "x-mock-chunks", "1");

        assertThat(body.at("/output/0/content/0/text").asText()).isEqualTo("Echo: second one");
        assertThat(body.at("/usage/input_tokens").asInt()).isEqualTo(1 + 1 + 2 + 3 * 3);
    }

    @Test
    void streamsTheResponsesEventSequence() {
        String text = Http.post(mock, "/v1/responses", STREAM_REQUEST).body();
        List<Sse> events = Sse.parse(text);

        assertThat(events).extracting(Sse::event).containsExactly(
                "response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed");
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = events.get(i).json();
            assertThat(data.get("type").asText()).isEqualTo(events.get(i).event());
            assertThat(data.get("sequence_number").asInt()).isEqualTo(i);
        }
        assertThat(events.get(0).json().at("/response/status").asText()).isEqualTo("in_progress");
        List<String> deltas = events.subList(4, 9).stream().map(e -> e.json().get("delta").asText()).toList();
        assertThat(String.join("", deltas)).isEqualTo("Echo: tell me a joke");
        JsonNode completed = events.get(12).json().get("response");
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.get("usage")).isEqualTo(Http.postJson(mock, "/v1/responses", REQUEST).get("usage"));
        assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo("Echo: tell me a joke");
    }
}
