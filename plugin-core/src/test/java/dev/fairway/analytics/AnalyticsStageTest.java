package dev.fairway.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.ProviderRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stage on a real pipeline: what a completion carries ends up in the metrics and the store. */
class AnalyticsStageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnalyticsStage stage = AnalyticsStage.withClock(Clock.systemUTC());
    private final Gateway gateway;

    AnalyticsStageTest() {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse("routes: [{name: chat, prefix: /}]");
        gateway = new Gateway(c, ProviderRegistry.withCustom(c.customProviders()), List.of(stage));
    }

    private Exchange exchange(String provider, String model, String... headers) {
        String path = provider.equals("anthropic") ? "/anthropic/v1/messages" : "/" + provider + "/v1/chat/completions";
        byte[] body = ("{\"model\":\"" + model + "\",\"messages\":[]}").getBytes(StandardCharsets.UTF_8);
        Headers h = Headers.of("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        Decision d = gateway.decide(GatewayRequest.of("POST", path, h, body)).join();
        return ((Decision.Forward) d).exchange();
    }

    private static Completion ok(boolean cached, Usage usage, Double cost) {
        return new Completion(200, cached, false, 0, 1, 40_000_000L, 90_000_000L, 100, usage, cost, null);
    }

    private JsonNode query(String... kv) throws IOException {
        Map<String, List<String>> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], List.of(kv[i + 1]));
        }
        return JSON.readTree(stage.query(params));
    }

    @Test
    void usageCostCacheAndErrorsFromTheCompletion() throws IOException {
        exchange("openai", "gpt-4o").complete(ok(false, new Usage(100, 40, 20), 0.0125));
        exchange("openai", "gpt-4o").complete(ok(true, new Usage(100, 40, 0), 0.0));
        // Unknown usage and cost (the provider reported none) count as a request with no tokens.
        exchange("anthropic", "claude-3-5-haiku").complete(ok(false, null, null));
        exchange("anthropic", "claude-3-5-haiku").complete(new Completion(504, false, false, 0, 1, -1, 30_000_000_000L, 0,
                null, null, "upstream_timeout"));
        exchange("openai", "gpt-4o").complete(new Completion(200, false, true, 0, 1, 5_000_000L, 9_000_000L, 10, null, null, null));

        JsonNode t = query().get("totals");
        assertThat(t.get("requests").asLong()).isEqualTo(5);
        assertThat(t.get("cached").asLong()).isEqualTo(1);
        assertThat(t.get("errors").asLong()).isEqualTo(2);
        assertThat(t.get("tokens_in").asLong()).isEqualTo(200);
        assertThat(t.get("tokens_out").asLong()).isEqualTo(80);
        assertThat(t.get("tokens_cached_in").asLong()).isEqualTo(20);
        assertThat(t.get("cost_usd").asDouble()).isEqualTo(0.0125);
        assertThat(t.get("cache_hit_rate").asDouble()).isEqualTo(0.2);

        List<String> types = query().get("recent_errors").findValuesAsText("error_type");
        assertThat(types).containsExactlyInAnyOrder("upstream_timeout", "truncated");

        String metrics = stage.metrics().scrape();
        assertThat(metrics)
                .contains("fairway_tokens_total{direction=\"in\",model=\"gpt-4o\",provider=\"openai\",route=\"chat\"} 200.0\n")
                .contains("fairway_tokens_total{direction=\"cached_in\",model=\"gpt-4o\",provider=\"openai\",route=\"chat\"} 20.0\n")
                .contains("fairway_cost_usd_total{model=\"gpt-4o\",provider=\"openai\",route=\"chat\"} 0.0125\n")
                .contains("fairway_cache_hits_total{provider=\"openai\",route=\"chat\"} 1.0\n")
                .contains("fairway_errors_total{provider=\"anthropic\",route=\"chat\",type=\"upstream_timeout\"} 1.0\n")
                .contains("fairway_errors_total{provider=\"openai\",route=\"chat\",type=\"truncated\"} 1.0\n")
                .contains("fairway_ttfb_seconds_count{provider=\"anthropic\",route=\"chat\"} 1\n")
                .contains("fairway_request_duration_seconds_count{provider=\"anthropic\",route=\"chat\"} 2\n");
    }

    @Test
    void anExchangeCompletesOnceSoItCountsOnce() throws IOException {
        Exchange e = exchange("openai", "gpt-4o");
        e.complete(ok(false, null, null));
        e.complete(ok(false, null, null));
        assertThat(query().get("totals").get("requests").asLong()).isEqualTo(1);
    }

    @Test
    void metadataIsRecordedAsTextAndFilterable() throws IOException {
        exchange("openai", "gpt-4o", "cf-aig-metadata", "{\"team\":\"search\",\"user\":42,\"beta\":true}").complete(ok(false, null, null));
        exchange("openai", "gpt-4o", "cf-aig-metadata", "{\"team\":\"ads\"}").complete(ok(false, null, null));
        assertThat(query("metadata.user", "42").get("totals").get("requests").asLong()).isEqualTo(1);
        assertThat(query("metadata.beta", "true").get("totals").get("requests").asLong()).isEqualTo(1);
        assertThat(query("group_by", "metadata.team").get("groups").findValuesAsText("key")).containsExactly("ads", "search");
    }

    @Test
    void modelNamesPastTheCapCountAsOther() {
        for (int i = 0; i <= AnalyticsStage.MAX_MODELS; i++) {
            exchange("openai", "model-" + i).complete(ok(false, null, null));
        }
        String metrics = stage.metrics().scrape();
        assertThat(metrics).contains("model=\"model-999\"").doesNotContain("model=\"model-1000\"")
                .contains("fairway_requests_total{cached=\"false\",model=\"other\",provider=\"openai\",route=\"chat\",status=\"200\"} 1.0\n");
    }

    @Test
    void errorTypeComesFromTheGatewayOrTheStatus() {
        assertThat(AnalyticsStage.errorType(new Completion(429, false, false, 0, 0, 1, 1, 0, null, null, "rate_limited"))).isEqualTo("rate_limited");
        assertThat(AnalyticsStage.errorType(new Completion(404, false, false, 0, 1, 1, 1, 0, null, null, null))).isEqualTo("http_404");
        assertThat(AnalyticsStage.errorType(new Completion(200, false, true, 0, 1, 1, 1, 0, null, null, null))).isEqualTo("truncated");
    }

    @Test
    void longModelNamesAreCutSoTheMetricsPageStaysSmall() {
        for (int i = 0; i < 150; i++) {
            exchange("openai", i + "-" + "m".repeat(10_000)).complete(ok(false, new Usage(1, 1, 0), 0.001));
        }
        String metrics = stage.metrics().scrape();
        // 150 distinct names of 10,000 characters would be 10 MB here; cut, each series line stays short.
        assertThat(metrics.length()).isLessThan(300_000);
        assertThat(metrics).contains("model=\"149-" + "m".repeat(dev.fairway.metrics.LabelCap.MAX_LENGTH - 4) + "\"");
        for (String line : metrics.split("\n")) {
            assertThat(line.length()).isLessThan(400);
        }
    }

    @Test
    void metadataKeysAreCutAndPairsPastTheCapAddNoKeys() throws IOException {
        String longKey = "k".repeat(1_000);
        exchange("openai", "gpt-4o", "cf-aig-metadata", "{\"" + longKey + "\":\"v\"}").complete(ok(false, null, null));
        assertThat(query("metadata." + "k".repeat(AnalyticsStage.MAX_METADATA_KEY), "v").get("totals").get("requests").asLong()).isEqualTo(1);

        for (int i = 1; i < AnalyticsStage.MAX_METADATA_PAIRS; i++) {
            exchange("openai", "gpt-4o", "cf-aig-metadata", "{\"user\":\"u" + i + "\"}").complete(ok(false, null, null));
        }
        exchange("openai", "gpt-4o", "cf-aig-metadata", "{\"fresh-key\":\"x\"}").complete(ok(false, null, null));
        assertThat(query("metadata.fresh-key", "x").get("totals").get("requests").asLong()).isZero();
        assertThat(query("metadata.other", "other").get("totals").get("requests").asLong()).isEqualTo(1);
    }
}
