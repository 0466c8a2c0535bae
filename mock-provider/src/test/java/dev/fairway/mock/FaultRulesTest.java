package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Faults configured in MockOptions rather than sent as headers. */
class FaultRulesTest {

    static final String CHAT = OpenAiChatTest.REQUEST;

    static String chat(String model) {
        return CHAT.replace("gpt-4o-mini", model);
    }

    @Test
    void aRuleAppliesOnlyToMatchingRequests() {
        MockOptions options = MockOptions.builder()
                .fault(r -> r.model().filter("gpt-a"::equals).isPresent(), Fault.status(500))
                .build();
        try (MockProvider mock = MockProvider.start(options)) {
            assertThat(Http.post(mock, "/v1/chat/completions", chat("gpt-a")).statusCode()).isEqualTo(500);
            assertThat(Http.post(mock, "/v1/chat/completions", chat("gpt-b")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSpentBudgetLetsTheNextRuleMatchAndResetRestoresIt() {
        MockOptions options = MockOptions.builder()
                .fault(r -> true, Fault.builder().status(503).times(2).build())
                .fault(r -> true, Fault.builder().status(429).retryAfterSeconds(1).times(1).build())
                .build();
        try (MockProvider mock = MockProvider.start(options)) {
            List<Integer> statuses = List.of(1, 2, 3, 4).stream()
                    .map(i -> Http.post(mock, "/v1/chat/completions", CHAT).statusCode()).toList();
            assertThat(statuses).containsExactly(503, 503, 429, 200);

            mock.reset();

            assertThat(Http.post(mock, "/v1/chat/completions", CHAT).statusCode()).isEqualTo(503);
        }
    }

    @Test
    void headerFaultsWinOverRules() {
        MockOptions options = MockOptions.builder().fault(r -> true, Fault.status(500)).build();
        try (MockProvider mock = MockProvider.start(options)) {
            assertThat(Http.post(mock, "/v1/chat/completions", CHAT, "x-mock-status", "429").statusCode()).isEqualTo(429);
            assertThat(Http.post(mock, "/v1/chat/completions", CHAT).statusCode()).isEqualTo(500);
        }
    }

    @Test
    void aCustomBodyIsSentVerbatim() {
        String body = "{\"error\":{\"message\":\"custom\",\"type\":\"x\"}}";
        MockOptions options = MockOptions.builder()
                .fault(r -> r.path().endsWith("/messages"), Fault.builder().status(529).body(body).build())
                .build();
        try (MockProvider mock = MockProvider.start(options)) {
            HttpResponse<String> response = Http.post(mock, "/v1/messages", AnthropicTest.REQUEST);

            assertThat(response.statusCode()).isEqualTo(529);
            assertThat(response.body()).isEqualTo(body);
        }
    }

    @Test
    void streamShapingRulesCombine() throws IOException {
        MockOptions options = MockOptions.builder()
                .fault(r -> true, Fault.builder()
                        .firstByteDelay(Duration.ofMillis(100))
                        .chunkDelay(Duration.ofMillis(10))
                        .cutAfter(1)
                        .build())
                .build();
        try (MockProvider mock = MockProvider.start(options)) {
            long started = System.nanoTime();
            Http.Received received = Http.receive(mock, "/v1/chat/completions", OpenAiChatTest.STREAM_REQUEST);

            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(95);
            assertThat(received.failure()).isNotNull();
            assertThat(Sse.parse(received.body())).hasSize(1);
        }
    }

    @Test
    void aResetRuleDropsTheConnection() {
        MockOptions options = MockOptions.builder()
                .fault(r -> r.header("x-test").isPresent(), Fault.builder().resetConnection().times(1).build())
                .build();
        try (MockProvider mock = MockProvider.start(options)) {
            assertThatThrownBy(() -> Http.post(mock, "/v1/chat/completions", CHAT, "x-test", "1"))
                    .isInstanceOf(UncheckedIOException.class);
            assertThat(Http.post(mock, "/v1/chat/completions", CHAT, "x-test", "1").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void errorIn200AndErrorEventRules() {
        MockOptions options = MockOptions.builder()
                .fault(r -> r.bodyText().contains("\"stream\":true"), Fault.builder().errorEvent().build())
                .fault(r -> true, Fault.builder().errorIn200().build())
                .build();
        try (MockProvider mock = MockProvider.start(options)) {
            HttpResponse<String> plain = Http.post(mock, "/v1/chat/completions", CHAT);
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(Http.parse(plain.body()).has("error")).isTrue();

            List<Sse> events = Sse.parse(Http.post(mock, "/v1/chat/completions", OpenAiChatTest.STREAM_REQUEST).body());
            assertThat(events.get(events.size() - 1).json().has("error")).isTrue();
        }
    }

    @Test
    void aThrowingPredicateBecomesA500NotAHang() {
        MockOptions options = MockOptions.builder()
                .fault(r -> {
                    throw new IllegalStateException("broken predicate");
                }, Fault.status(500))
                .build();
        try (MockProvider mock = MockProvider.start(options)) {
            HttpResponse<String> response = Http.post(mock, "/v1/chat/completions", CHAT);

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).contains("broken predicate");
        }
    }
}
