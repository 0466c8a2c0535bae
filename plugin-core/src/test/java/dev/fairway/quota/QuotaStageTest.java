package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.ProviderRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The quota stage inside the core's pipeline, on in-memory buckets and an injected clock. */
class QuotaStageTest {
    private static final Instant BOUNDARY = Instant.parse("2026-03-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestClock clock = new TestClock(BOUNDARY.minusSeconds(10));
    private QuotaStage stage;
    private Gateway gateway;

    @AfterEach
    void close() {
        if (stage != null) {
            stage.close();
        }
    }

    private void rules(String quotasYaml) {
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("routes:\n  - name: chat\n    quotas:\n" + quotasYaml);
        stage = QuotaStage.withBackend(QuotaBackend.inMemory(clock));
        gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(stage));
    }

    private Decision send(String user, String model) {
        Headers headers = Headers.of("content-type", "application/json", "authorization", "Bearer sk-client");
        if (user != null) {
            headers.add("cf-aig-metadata", "{\"user\":\"" + user + "\"}");
        }
        byte[] body = ("{\"model\":\"" + model + "\",\"messages\":[]}").getBytes(StandardCharsets.UTF_8);
        return gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", headers, body)).join();
    }

    private Decision send(String user) {
        return send(user, "gpt-4o");
    }

    private static Decision.Forward admitted(Decision d) {
        assertThat(d).as("admitted").isInstanceOf(Decision.Forward.class);
        return (Decision.Forward) d;
    }

    private static Decision.Answer refused(Decision d) {
        assertThat(d).as("refused").isInstanceOf(Decision.Answer.class);
        return (Decision.Answer) d;
    }

    private static JsonNode error(Decision.Answer a) throws IOException {
        return JSON.readTree(a.body()).get("error");
    }

    private static Completion finished(Usage usage, Double cost, boolean cached) {
        return new Completion(200, cached, false, 0, cached ? 0 : 1, 1_000, 2_000, 100, usage, cost, null);
    }

    @Test
    void requestsAreTakenBeforeDispatchAndTheLimitIsAnswered429NamingTheRule() throws IOException {
        rules("      - {name: per-user, key: [metadata.user], limit: 2, window: 60s}\n");
        Headers first = admitted(send("alice")).exchange().responseHeaders();
        assertThat(first.get("ratelimit-policy")).isEqualTo("\"per-user\";q=2;w=60");
        assertThat(first.get("ratelimit")).isEqualTo("\"per-user\";r=1;t=10");
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"per-user\";r=0;t=10");

        Decision.Answer third = refused(send("alice"));
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.headers().get("retry-after")).isEqualTo("10");
        assertThat(third.headers().get("ratelimit-policy")).isEqualTo("\"per-user\";q=2;w=60");
        assertThat(third.headers().get("ratelimit")).isEqualTo("\"per-user\";r=0;t=10");
        assertThat(third.headers().get("cf-aig-log-id")).isNotBlank();
        JsonNode e = error(third);
        assertThat(e.get("type").asText()).isEqualTo("rate_limited");
        assertThat(e.get("rule").asText()).isEqualTo("per-user");
        assertThat(e.get("retry_after_seconds").asLong()).isEqualTo(10);
        assertThat(e.get("message").asText()).isEqualTo("quota per-user exhausted: 2 requests per 60s (fixed window)");

        clock.set(BOUNDARY);
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"per-user\";r=1;t=60");
    }

    @Test
    void aSlidingRuleAsksToRetryWhenOneRequestHasComeBack() {
        rules("      - {name: steady, limit: 3, window: 60s, technique: sliding}\n");
        for (int i = 0; i < 3; i++) {
            admitted(send("alice"));
        }
        clock.set(BOUNDARY);
        Decision.Answer refused = refused(send("alice"));
        // One request comes back every 20 s; the three were taken 10 s ago.
        assertThat(refused.headers().get("retry-after")).isEqualTo("10");
        assertThat(refused.headers().get("ratelimit")).isEqualTo("\"steady\";r=0;t=50");
    }

    @Test
    void everyDimensionOfTheKeyMakesItsOwnBucket() {
        rules("      - {name: per-user-model, key: [metadata.user, model], limit: 1, window: 1h}\n");
        admitted(send("alice", "gpt-4o"));
        admitted(send("alice", "gpt-4o-mini"));
        admitted(send("bob", "gpt-4o"));
        refused(send("alice", "gpt-4o"));
        // No cf-aig-metadata user: every such request shares the "anonymous" bucket.
        admitted(send(null, "gpt-4o"));
        refused(send(null, "gpt-4o"));
        admitted(send("anonymous-looking-but-not", "gpt-4o"));
    }

    @Test
    void routeProviderAndCredentialDimensionsSeparateBuckets() {
        rules("      - {name: per-key, key: [route, provider, credential, client, consumer], limit: 1, window: 60s}\n");
        byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        Headers alice = Headers.of("authorization", "Bearer sk-alice");
        Headers bob = Headers.of("authorization", "Bearer sk-bob");
        admitted(gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", alice, body)).join());
        refused(gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", alice, body)).join());
        admitted(gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", bob, body)).join());
        admitted(gateway.decide(GatewayRequest.of("POST", "/mistral/v1/chat/completions", alice, body)).join());
        admitted(gateway.decide(new GatewayRequest("POST", "/openai/v1/chat/completions", alice, body, "kong-consumer-7")).join());
    }

    @Test
    void tokensAreCheckedBeforeAndChargedAfterSoOneLargeAnswerCanOverdraw() throws IOException {
        rules("      - {name: output-budget, unit: output_tokens, limit: 100, window: 60s}\n");
        Decision.Forward first = admitted(send("alice"));
        assertThat(first.exchange().responseHeaders().get("ratelimit-policy"))
                .isEqualTo("\"output-budget\";q=100;w=60;fairway-unit=\"output_tokens\"");
        assertThat(first.exchange().responseHeaders().get("ratelimit")).isEqualTo("\"output-budget\";r=100;t=0");
        first.exchange().complete(finished(new Usage(10, 150, 0), 0.01, false));

        Decision.Answer refused = refused(send("alice"));
        assertThat(error(refused).get("rule").asText()).isEqualTo("output-budget");
        assertThat(refused.headers().get("retry-after")).isEqualTo("10");
        assertThat(refused.headers().get("ratelimit")).isEqualTo("\"output-budget\";r=0;t=70");

        // The boundary adds the limit to the debt of 50: 50 left.
        clock.set(BOUNDARY);
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"output-budget\";r=50;t=60");
    }

    @Test
    void eachTokenUnitChargesItsOwnCount() {
        rules("""
                      - {name: in, unit: input_tokens, limit: 30, window: 60s}
                      - {name: out, unit: output_tokens, limit: 30, window: 60s}
                      - {name: total, unit: total_tokens, limit: 45, window: 60s}
                """);
        admitted(send("alice")).exchange().complete(finished(new Usage(20, 20, 5), null, false));
        Headers h = admitted(send("alice")).exchange().responseHeaders();
        // in and out have 10 of 30 left, total 5 of 45: total is the tightest.
        assertThat(h.get("ratelimit")).isEqualTo("\"total\";r=5;t=10");
        assertThat(h.get("ratelimit-policy")).isEqualTo("\"total\";q=45;w=60;fairway-unit=\"total_tokens\"");
    }

    @Test
    void costIsChargedInMillionthsOfADollarAndRefusesOnceSpent() throws IOException {
        rules("      - {name: daily-spend, key: [metadata.user], unit: cost_usd, limit: 0.05, window: 1d}\n");
        admitted(send("alice")).exchange().complete(finished(new Usage(100, 100, 0), 0.03, false));
        Headers h = admitted(send("alice")).exchange().responseHeaders();
        assertThat(h.get("ratelimit-policy")).isEqualTo("\"daily-spend\";q=50000;w=86400;fairway-unit=\"cost_usd_micros\"");
        assertThat(h.get("ratelimit")).startsWith("\"daily-spend\";r=20000;");
        admitted(send("alice")).exchange().complete(finished(new Usage(100, 100, 0), 0.03, false));
        assertThat(error(refused(send("alice"))).get("message").asText())
                .isEqualTo("quota daily-spend exhausted: 0.05 cost_usd per 1d (fixed window)");
        admitted(send("bob"));
    }

    @Test
    void aCacheHitCountsAsARequestButChargesNoTokensOrCost() {
        rules("""
                      - {name: calls, limit: 2, window: 60s}
                      - {name: tokens, unit: total_tokens, limit: 10, window: 60s}
                      - {name: spend, unit: cost_usd, limit: 1, window: 60s}
                """);
        admitted(send("alice")).exchange().complete(finished(new Usage(1000, 1000, 0), 5.0, true));
        Headers h = admitted(send("alice")).exchange().responseHeaders();
        assertThat(h.get("ratelimit")).isEqualTo("\"calls\";r=0;t=10");
        refused(send("alice"));
    }

    @Test
    void unknownUsageChargesNothing() {
        rules("      - {name: tokens, unit: total_tokens, limit: 10, window: 60s}\n");
        admitted(send("alice")).exchange().complete(finished(null, null, false));
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"tokens\";r=10;t=0");
    }

    @Test
    void aRequestRefusedByOneRuleIsGivenBackToTheOthers() throws IOException {
        rules("""
                      - {name: route-wide, limit: 5, window: 60s}
                      - {name: per-user, key: [metadata.user], limit: 1, window: 60s}
                """);
        admitted(send("alice"));
        assertThat(error(refused(send("alice"))).get("rule").asText()).isEqualTo("per-user");
        for (String user : List.of("bob", "carol", "dave", "erin")) {
            admitted(send(user));
        }
        assertThat(error(refused(send("frank"))).get("rule").asText()).isEqualTo("route-wide");
    }

    @Test
    void theRefusingRuleWithTheLongestWaitIsTheOneNamed() throws IOException {
        rules("""
                      - {name: minute, limit: 1, window: 60s}
                      - {name: hour, limit: 1, window: 1h}
                """);
        clock.set(BOUNDARY.plusSeconds(50));
        admitted(send("alice"));
        Decision.Answer a = refused(send("alice"));
        assertThat(error(a).get("rule").asText()).isEqualTo("hour");
        assertThat(a.headers().get("ratelimit-policy")).isEqualTo("\"hour\";q=1;w=3600");
        assertThat(a.headers().get("retry-after")).isEqualTo("3550");
    }

    @Test
    void anUnreachableStoreAdmitsFailOpenRulesAndRefusesFailClosedOnes() throws IOException {
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("""
                routes:
                  - {name: open, prefix: /open, quotas: [{name: lenient, limit: 1, window: 60s}]}
                  - name: closed
                    prefix: /closed
                    quotas:
                      - {name: lenient, limit: 1, window: 60s}
                      - {name: strict, limit: 1, window: 60s, on_store_failure: fail_closed}
                """);
        stage = QuotaStage.withBackend(new Unreachable());
        gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(stage));
        byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            Decision.Forward open = admitted(gateway.decide(GatewayRequest.of("POST", "/open/openai/v1/chat/completions", new Headers(), body)).join());
            assertThat(open.exchange().responseHeaders().contains("ratelimit")).isFalse();
            open.exchange().complete(finished(new Usage(1, 1, 0), 1.0, false));
        }
        Decision.Answer closed = refused(gateway.decide(GatewayRequest.of("POST", "/closed/openai/v1/chat/completions", new Headers(), body)).join());
        assertThat(closed.status()).isEqualTo(503);
        assertThat(error(closed).get("type").asText()).isEqualTo("service_unavailable");
        assertThat(error(closed).get("rule").asText()).isEqualTo("strict");
        assertThat(error(closed).get("message").asText()).startsWith("quota store unavailable");
        assertThat(stage.storeAvailable()).isFalse();
        assertThat(stage.storeFailures()).isEqualTo(5);
    }

    /** A store that never answers. */
    private static final class Unreachable implements QuotaBackend {
        @Override
        public java.util.concurrent.CompletableFuture<io.github.bucket4j.distributed.AsyncBucketProxy> bucket(
                String key, io.github.bucket4j.BucketConfiguration configuration) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IOException("connection refused"));
        }

        @Override
        public String describe() {
            return "unreachable";
        }

        @Override
        public void close() {}
    }

    @Test
    void routesWithoutQuotasGetNoStepAndNoHeaders() {
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("{}");
        stage = QuotaStage.withBackend(QuotaBackend.inMemory(clock));
        gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(stage));
        Decision.Forward f = admitted(send("alice"));
        assertThat(f.exchange().steps()).isEmpty();
        assertThat(f.exchange().responseHeaders().contains("ratelimit")).isFalse();
        assertThat(stage.name()).isEqualTo("quota");
    }
}
