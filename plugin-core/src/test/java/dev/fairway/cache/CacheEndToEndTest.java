package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache through the standalone gateway, with real HTTP on both sides. */
class CacheEndToEndTest {
    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ASK_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    Fairway fairway;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() {
        upstream = new FakeOpenAi();
        fairway = startGateway();
    }

    private Fairway startGateway() {
        return Fairway.builder(ConfigLoader.withEnv(Map.of()).parse("""
                server: {port: 0}
                cache_storage: {directory: "%s", off_heap_mb: 4, disk_mb: 16}
                providers: {openai: {base_url: "http://127.0.0.1:%d/v1"}}
                routes: [{name: default, cache: {enabled: true}}]
                """.formatted(dir.toString().replace("\\", "/"), upstream.port()))).standalone(true).start();
    }

    @AfterEach
    void stop() {
        if (fairway != null) {
            fairway.close();
        }
        upstream.close();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fairway.port() + "/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer sk-tenant-a")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) {
        return postAsync(body).orTimeout(30, TimeUnit.SECONDS).join();
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
        HttpResponse<String> miss = post(ASK);
        settle();
        HttpResponse<String> hit = post(ASK.replace("\"model\":\"gpt-4o-mini\",", " ") .replace("}]}", "}],\"model\":\"gpt-4o-mini\"}"));

        assertThat(status(miss)).isEqualTo("MISS");
        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.body()).isEqualTo(FakeOpenAi.ANSWER);
        assertThat(hit.headers().firstValue("age")).hasValue("0");
        assertThat(hit.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(hit.headers().firstValue("set-cookie")).isEmpty();
        assertThat(upstream.calls).hasValue(1);
    }

    @Test
    void theOpenAiSdkStreamsTheSameAnswerFromTheCache() {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + fairway.port() + "/openai/v1")
                .apiKey("sk-tenant-a")
                .maxRetries(0)
                .build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("hi").build();
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
            assertThat(texts).containsExactly("Hello world", "Hello world");
            assertThat(upstream.calls).hasValue(1);
        } finally {
            client.close();
        }
    }

    @Test
    void aStreamHitReplaysTheUpstreamEventsByteForByte() {
        post(ASK_STREAM);
        settle();
        HttpResponse<String> hit = post(ASK_STREAM);

        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(hit.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(hit.body()).isEqualTo(String.join("", FakeOpenAi.EVENTS));
        assertThat(upstream.calls).hasValue(1);
    }

    @Test
    void aStreamCutMidAnswerIsNotStored() {
        upstream.mode = FakeOpenAi.Mode.CUT_STREAM;
        HttpResponse<String> cut = post(ASK_STREAM);
        settle();
        assertThat(cut.body()).startsWith(FakeOpenAi.EVENTS.get(0)).contains("event: error");

        upstream.mode = FakeOpenAi.Mode.NORMAL;
        HttpResponse<String> again = post(ASK_STREAM);

        assertThat(status(again)).isEqualTo("MISS");
        assertThat(again.body()).isEqualTo(String.join("", FakeOpenAi.EVENTS));
        assertThat(upstream.calls).hasValue(2);
    }

    @Test
    void twentyConcurrentIdenticalRequestsMakeOneUpstreamCall() {
        upstream.mode = FakeOpenAi.Mode.HOLD;
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(postAsync(ASK_STREAM));
        }
        CacheHarness.awaitUntil(() -> cacheStage().flights().waiting() == 19 && upstream.calls.get() == 1,
                "one request is upstream and 19 wait for it");

        upstream.release();
        List<HttpResponse<String>> responses = all.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();

        assertThat(upstream.calls).hasValue(1);
        assertThat(responses).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(String.join("", FakeOpenAi.EVENTS));
        });
        assertThat(responses.stream().map(CacheEndToEndTest::status))
                .containsOnly("MISS", "HIT").filteredOn("HIT"::equals).hasSize(19);
    }

    @Test
    void entriesSurviveAGatewayRestart() {
        post(ASK);
        settle();
        fairway.close();
        fairway = null;

        fairway = startGateway();
        HttpResponse<String> hit = post(ASK);

        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(hit.body()).isEqualTo(FakeOpenAi.ANSWER);
        assertThat(upstream.calls).hasValue(1);
    }
}
