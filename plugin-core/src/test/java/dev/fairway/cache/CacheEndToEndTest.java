package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.fairway.Fairway;
import dev.fairway.mock.Fault;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import dev.fairway.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache through the standalone gateway, with real HTTP on both sides and the mock provider upstream. */
class CacheEndToEndTest {
    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ASK_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;
    MockProvider mock;
    Fairway fairway;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private void start(MockOptions options) {
        mock = MockProvider.start(options);
        fairway = startGateway();
    }

    private Fairway startGateway() {
        return startGateway("{name: default, cache: {enabled: true, streams: true}}");
    }

    private Fairway startGateway(String route) {
        return Fairway.builder(GatewayHarness.config("""
                cache_storage: {directory: "%s", off_heap_mb: 4, disk_mb: 16}
                routes: [%s]
                """.formatted(dir.toString().replace("\\", "/"), route), mock.baseUrl())).standalone(true).start();
    }

    @AfterEach
    void stop() {
        if (fairway != null) {
            fairway.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fairway.port() + "/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body, String... headers) {
        HttpResponse<String> r = postAsync(body, headers).orTimeout(30, TimeUnit.SECONDS).join();
        settle();
        return r;
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("cf-aig-cache-status").orElse(null);
    }

    private CacheStage cacheStage() {
        return fairway.gateway().stages().stream().filter(CacheStage.class::isInstance).map(CacheStage.class::cast).findFirst().orElseThrow();
    }

    private void settle() {
        CacheHarness.awaitUntil(() -> cacheStage().flights().inFlight() == 0, "every cache store finished");
    }

    @Test
    void aJsonAnswerIsServedFromTheCacheTheSecondTime() {
        start(MockOptions.defaults());
        HttpResponse<String> miss = post(ASK);
        HttpResponse<String> hit = post("{ \"messages\": [{\"content\": \"hi\", \"role\": \"user\"}], \"model\": \"gpt-4o-mini\" }");

        assertThat(status(miss)).isEqualTo("MISS");
        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.body()).isEqualTo(miss.body());
        assertThat(hit.headers().firstValue("age")).hasValue("0");
        assertThat(hit.headers().firstValue("content-type")).isEqualTo(miss.headers().firstValue("content-type"));
        assertThat(mock.requestCount()).isEqualTo(1);
    }

    @Test
    void theOpenAiSdkStreamsTheSameAnswerFromTheCache() {
        start(MockOptions.defaults());
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + fairway.port() + "/openai/v1")
                .apiKey("sk-client-key-is-replaced-by-the-gateway")
                .maxRetries(0)
                .build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("Tell me about caches").build();
            List<String> statuses = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw =
                             client.chat().completions().withRawResponse().createStreaming(params)) {
                    statuses.add(raw.headers().values("cf-aig-cache-status").get(0));
                    try (StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
                        texts.add(stream.stream().flatMap(c -> c.choices().stream())
                                .map(c -> c.delta().content().orElse("")).collect(Collectors.joining()));
                    }
                }
                settle();
            }

            assertThat(statuses).containsExactly("MISS", "HIT");
            assertThat(texts.get(0)).isNotBlank();
            assertThat(texts.get(1)).isEqualTo(texts.get(0));
            assertThat(mock.requestCount()).isEqualTo(1);
        } finally {
            client.close();
        }
    }

    @Test
    void theAnthropicSdkStreamsTheSameMessageFromTheCache() {
        start(MockOptions.defaults());
        AnthropicClient client = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + fairway.port() + "/anthropic")
                .apiKey("sk-ant-client")
                .maxRetries(0)
                .build();
        try {
            MessageCreateParams params = MessageCreateParams.builder()
                    .model("claude-sonnet-4-5").maxTokens(100).addUserMessage("hello there world").build();
            List<String> statuses = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try (com.anthropic.core.http.HttpResponseFor<com.anthropic.core.http.StreamResponse<RawMessageStreamEvent>> raw =
                             client.messages().withRawResponse().createStreaming(params)) {
                    statuses.add(raw.headers().values("cf-aig-cache-status").get(0));
                    MessageAccumulator accumulator = MessageAccumulator.create();
                    try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = raw.parse()) {
                        stream.stream().forEach(event -> accumulator.accumulate(event.validate()));
                    }
                    texts.add(accumulator.message().validate().content().get(0).asText().text());
                }
                settle();
            }

            assertThat(statuses).containsExactly("MISS", "HIT");
            assertThat(texts).containsExactly("Echo: hello there world hello", "Echo: hello there world hello");
            assertThat(mock.requestCount()).isEqualTo(1);
        } finally {
            client.close();
        }
    }

    @Test
    void aStreamHitReplaysTheUpstreamEventsByteForByte() {
        start(MockOptions.defaults());
        HttpResponse<String> miss = post(ASK_STREAM);
        HttpResponse<String> hit = post(ASK_STREAM);

        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(hit.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(miss.body()).contains("\n\ndata: ");
        assertThat(hit.body()).isEqualTo(miss.body());
        assertThat(mock.requestCount()).isEqualTo(1);
    }

    @Test
    void streamsCutOrEndedByAnErrorAndErrorsInA200AreNotStored() {
        start(MockOptions.defaults());
        HttpResponse<String> cut = post(ASK_STREAM, "x-mock-cut-after", "2");
        assertThat(cut.body()).contains("event: error");
        post(ASK_STREAM, "x-mock-error-event", "true");
        post(ASK, "x-mock-error-in-200", "true");

        HttpResponse<String> stream = post(ASK_STREAM);
        HttpResponse<String> json = post(ASK);

        assertThat(status(stream)).isEqualTo("MISS");
        assertThat(status(json)).isEqualTo("MISS");
        assertThat(mock.requestCount()).isEqualTo(5);
        assertThat(status(post(ASK_STREAM))).isEqualTo("HIT");
    }

    @Test
    void twentyConcurrentIdenticalRequestsMakeOneUpstreamCall() {
        // The mock holds the one request it gets until the other 19 wait behind it in the gateway,
        // so the test does not depend on timing. Blocking the mock's own event loop is fine here:
        // nothing else should reach it.
        start(MockOptions.builder().fault(request -> {
            CacheHarness.awaitUntil(() -> cacheStage().flights().waiting() == 19, "19 requests wait for the first");
            return false;
        }, Fault.status(500)).build());
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(postAsync(ASK_STREAM));
        }

        List<HttpResponse<String>> responses = all.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();

        assertThat(mock.requestCount()).isEqualTo(1);
        assertThat(responses).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(responses.get(0).body());
        });
        assertThat(responses.stream().map(CacheEndToEndTest::status))
                .containsOnly("MISS", "HIT").filteredOn("HIT"::equals).hasSize(19);
    }

    @Test
    void hitsStillCountAgainstRequestQuotas() {
        mock = MockProvider.start(MockOptions.defaults());
        fairway = startGateway("{name: default, cache: {enabled: true, streams: true}, quotas: [{name: two, limit: 2, window: 60s}]}");

        List<HttpResponse<String>> answers = List.of(post(ASK), post(ASK), post(ASK));

        assertThat(answers.stream().map(CacheEndToEndTest::status).toList()).containsExactly("MISS", "HIT", null);
        assertThat(answers.get(2).statusCode()).isEqualTo(429);
        assertThat(mock.requestCount()).isEqualTo(1);
    }

    @Test
    void entriesSurviveAGatewayRestart() {
        start(MockOptions.defaults());
        HttpResponse<String> first = post(ASK);
        fairway.close();
        fairway = null;

        fairway = startGateway();
        HttpResponse<String> hit = post(ASK);

        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(hit.body()).isEqualTo(first.body());
        assertThat(mock.requestCount()).isEqualTo(1);
    }
}
