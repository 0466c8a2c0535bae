package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lifecycle and recording: the public surface other modules' tests rely on. */
class MockProviderTest {

    @Test
    void bindsLoopbackOnAnEphemeralPortByDefault() {
        try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {
            assertThat(mock.port()).isPositive();
            assertThat(mock.baseUrl()).isEqualTo("http://127.0.0.1:" + mock.port());
            assertThat(mock.toString()).contains(mock.baseUrl());
        }
    }

    @Test
    void recordsEveryRequestInArrivalOrder() {
        try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {
            Http.post(mock, "/v1/chat/completions?trace=1", OpenAiChatTest.REQUEST, "X-Custom-Header", "v1");
            Http.get(mock, "/v1/models");
            Http.post(mock, "/v1beta/models/gemini-x:generateContent", GoogleTest.REQUEST);

            List<RecordedRequest> requests = mock.requests();
            assertThat(mock.requestCount()).isEqualTo(3);
            assertThat(requests).extracting(RecordedRequest::method).containsExactly("POST", "GET", "POST");
            RecordedRequest chat = requests.get(0);
            assertThat(chat.path()).isEqualTo("/v1/chat/completions?trace=1");
            assertThat(chat.header("x-custom-header")).hasValue("v1");
            assertThat(chat.header("X-CUSTOM-HEADER")).hasValue("v1");
            assertThat(chat.headers().get("x-custom-header")).containsExactly("v1");
            assertThat(chat.header("absent")).isEmpty();
            assertThat(chat.body()).isEqualTo(OpenAiChatTest.REQUEST.getBytes(StandardCharsets.UTF_8));
            assertThat(chat.bodyText()).isEqualTo(OpenAiChatTest.REQUEST);
            assertThat(chat.model()).hasValue("gpt-4o-mini");
            assertThat(requests.get(1).model()).isEmpty();
            assertThat(requests.get(1).body()).isEmpty();
            assertThat(requests.get(2).model()).hasValue("gemini-x");
        }
    }

    @Test
    void recordingsAreSnapshotsAndResetClearsThem() {
        try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {
            Http.get(mock, "/v1/models");
            List<RecordedRequest> before = mock.requests();

            mock.reset();

            assertThat(before).hasSize(1);
            assertThat(mock.requests()).isEmpty();
            assertThat(mock.requestCount()).isZero();
            byte[] body = before.get(0).body();
            body = new byte[] {1};
            assertThat(before.get(0).body()).isNotEqualTo(body);
        }
    }

    @Test
    void closeReleasesThePortAndIsIdempotent() {
        MockProvider first = MockProvider.start(MockOptions.defaults());
        int port = first.port();
        first.close();
        first.close();

        try (MockProvider again = MockProvider.start(MockOptions.builder().port(port).build())) {
            assertThat(again.port()).isEqualTo(port);
            assertThat(Http.get(again, "/v1/models").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortIsAClearError() {
        try (MockProvider first = MockProvider.start(MockOptions.defaults())) {
            MockOptions same = MockOptions.fromMap(Map.of("port", Integer.toString(first.port())));

            assertThatThrownBy(() -> MockProvider.start(same))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + first.port());
        }
    }

    @Test
    void optionsChunksApplyToEveryAnswer() {
        try (MockProvider mock = MockProvider.start(MockOptions.builder().chunks(2).build())) {
            List<Sse> events = Sse.parse(Http.post(mock, "/v1/messages", AnthropicTest.STREAM_REQUEST).body());

            assertThat(events).filteredOn(e -> "content_block_delta".equals(e.event())).hasSize(2);
        }
    }
}
