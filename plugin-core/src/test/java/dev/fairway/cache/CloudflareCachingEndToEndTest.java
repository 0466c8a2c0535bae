package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-request caching and streams as on Cloudflare AI Gateway (issue 19, items 2 and 7). */
class CloudflareCachingEndToEndTest {
    private static final String PATH = "/openai/v1/chat/completions";
    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ASK_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private GatewayHarness harness;

    private void start(String route) {
        harness = GatewayHarness.start("""
                cache_storage: {directory: '%s', off_heap_mb: 0, disk_mb: 0}
                routes: [%s]
                """.formatted(GatewayHarness.tempDir("fairway-cache"), route), MockOptions.defaults());
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private HttpResponse<String> post(String body, String... headers) {
        HttpResponse<String> r = harness.post(PATH, body, headers);
        CacheStage stage = harness.fairway().gateway().stages().stream().filter(CacheStage.class::isInstance)
                .map(CacheStage.class::cast).findFirst().orElseThrow();
        CacheHarness.awaitUntil(() -> stage.flights().inFlight() == 0, "every cache store finished");
        return r;
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("cf-aig-cache-status").orElse(null);
    }

    @Test
    void aTtlHeaderOptsARequestInOnARouteWhoseCacheIsOff() {
        // Cloudflare, AI Gateway "Caching": the gateway's setting is a default that a request may
        // "override ... on a per-request basis"; cf-aig-cache-ttl sets "the desired caching duration in
        // seconds" (the OpenAI SDK sends it as extra_headers={"cf-aig-cache-ttl": "3600"}).
        start("{name: r}");
        HttpResponse<String> first = post(ASK, "cf-aig-cache-ttl", "3600");
        HttpResponse<String> second = post(ASK, "cf-aig-cache-ttl", "3600");
        HttpResponse<String> without = post(ASK);

        assertThat(status(first)).isEqualTo("MISS");
        assertThat(status(second)).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(status(without)).isNull();
        assertThat(harness.mock().requestCount()).isEqualTo(2);
    }

    @Test
    void aRouteMayForbidPerRequestOptIn() {
        start("{name: r, cache: {allow_request_opt_in: false}}");
        HttpResponse<String> first = post(ASK, "cf-aig-cache-ttl", "3600");
        HttpResponse<String> second = post(ASK, "cf-aig-cache-ttl", "3600");

        assertThat(status(second)).isNull();
        assertThat(first.headers().firstValue("fairway-ignored-headers")).hasValue("cf-aig-cache-ttl;ignored");
        assertThat(harness.mock().requestCount()).isEqualTo(2);
    }

    @Test
    void aTtlOfZeroMeansDoNotCache() {
        start("{name: r, cache: {enabled: true}}");
        post(ASK);
        HttpResponse<String> zero = post(ASK, "cf-aig-cache-ttl", "0");

        assertThat(zero.statusCode()).isEqualTo(200);
        assertThat(status(zero)).isNull();
        assertThat(harness.mock().requestCount()).isEqualTo(2);
    }

    @Test
    void outOfRangeTtlsAreClampedIntoOneMinuteToOneMonth() {
        // Cloudflare, AI Gateway "Caching": "The minimum TTL is 60 seconds and the maximum TTL is one month."
        start("{name: r}");
        HttpResponse<String> shortTtl = post(ASK, "cf-aig-cache-ttl", "5");
        HttpResponse<String> longTtl = post(ASK, "cf-aig-cache-ttl", "999999999");

        assertThat(shortTtl.statusCode()).isEqualTo(200);
        assertThat(shortTtl.headers().firstValue("fairway-ignored-headers")).hasValue("cf-aig-cache-ttl;clamped");
        assertThat(status(longTtl)).isEqualTo("HIT");
        assertThat(harness.mock().requestCount()).isEqualTo(1);
    }

    @Test
    void streamsAreNotCachedUnlessTheRouteOptsIn() {
        // Cloudflare, AI Gateway "Caching": "Currently caching is supported only for text and image
        // responses" - an event stream is neither, so a route opts in explicitly (cache.streams).
        start("{name: r, cache: {enabled: true}}");
        HttpResponse<String> first = post(ASK_STREAM);
        HttpResponse<String> second = post(ASK_STREAM);

        assertThat(second.body()).contains("data: [DONE]");
        assertThat(status(first)).isNull();
        assertThat(status(second)).isNull();
        assertThat(harness.mock().requestCount()).isEqualTo(2);
    }

    @Test
    void aStreamedEntryNeverAnswersAJsonRequestNorTheReverseEvenUnderOneCacheKey() {
        // Cloudflare, AI Gateway "Caching": a cached answer serves "identical requests"; a streaming and a
        // non-streaming request are not identical, whatever cf-aig-cache-key they share.
        start("{name: r, cache: {enabled: true, streams: true}}");
        HttpResponse<String> stream = post(ASK_STREAM, "cf-aig-cache-key", "shared");
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(harness.baseUrl() + "/openai/v1")
                .apiKey("sk-client").maxRetries(0).build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi")
                    .putAdditionalHeader("cf-aig-cache-key", "shared").build();
            ChatCompletion json = client.chat().completions().create(params);
            assertThat(json.choices().get(0).message().content()).isPresent();
        } finally {
            client.close();
        }
        HttpResponse<String> streamAgain = post(ASK_STREAM, "cf-aig-cache-key", "shared");
        HttpResponse<String> jsonAgain = post(ASK, "cf-aig-cache-key", "shared");

        assertThat(status(stream)).isEqualTo("MISS");
        assertThat(status(streamAgain)).isEqualTo("HIT");
        assertThat(streamAgain.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(status(jsonAgain)).isEqualTo("HIT");
        assertThat(jsonAgain.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        assertThat(jsonAgain.body()).startsWith("{");
        assertThat(harness.mock().requestCount()).isEqualTo(2);
    }
}
