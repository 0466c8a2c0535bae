package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CohereTest {

    static final String REQUEST = """
            {"model":"command-r-plus","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"hello there world"}]}""";
    static final String STREAM_REQUEST = """
            {"model":"command-r-plus","stream":true,"messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"hello there world"}]}]}""";

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
    void answersWithAV2ChatResponse() {
        JsonNode body = Http.postJson(mock, "/v2/chat", REQUEST);

        assertThat(body.get("id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(body.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/message/content/0/type").asText()).isEqualTo("text");
        assertThat(body.at("/message/content/0/text").asText()).isEqualTo("Echo: hello there world hello");
        assertThat(body.get("finish_reason").asText()).isEqualTo("COMPLETE");
        assertThat(body.at("/usage/billed_units/input_tokens").asInt()).isEqualTo(11);
        assertThat(body.at("/usage/billed_units/output_tokens").asInt()).isEqualTo(5);
        assertThat(body.at("/usage/tokens/input_tokens").asInt()).isEqualTo(11);
        assertThat(body.at("/usage/tokens/output_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void streamsCohereEvents() {
        List<Sse> events = Sse.parse(Http.post(mock, "/cohere/v2/chat", STREAM_REQUEST).body());

        assertThat(events).extracting(Sse::event).containsExactly(
                "message-start", "content-start",
                "content-delta", "content-delta", "content-delta", "content-delta", "content-delta",
                "content-end", "message-end");
        for (Sse event : events) {
            assertThat(event.json().get("type").asText()).isEqualTo(event.event());
        }
        assertThat(events.get(0).json().at("/delta/message/role").asText()).isEqualTo("assistant");
        String text = String.join("", events.subList(2, 7).stream()
                .map(e -> e.json().at("/delta/message/content/text").asText()).toList());
        assertThat(text).isEqualTo("Echo: hello there world hello");
        JsonNode end = events.get(8).json().get("delta");
        assertThat(end.get("finish_reason").asText()).isEqualTo("COMPLETE");
        assertThat(end.at("/usage/billed_units/input_tokens").asInt()).isEqualTo(11);
        assertThat(end.at("/usage/tokens/output_tokens").asInt()).isEqualTo(5);
    }
}
