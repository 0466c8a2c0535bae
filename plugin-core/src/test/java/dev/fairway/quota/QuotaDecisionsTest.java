package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Which rule the stage names when several apply, what it charges, and the keys it stores buckets under. */
class QuotaDecisionsTest {
    private static final Instant BOUNDARY = Instant.parse("2026-03-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestClock clock = new TestClock(BOUNDARY.minusSeconds(10));
    private final Recording backend = new Recording(QuotaBackend.inMemory(clock));
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
        stage = QuotaStage.withBackend(backend);
        gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(stage));
    }

    private Decision send(String user) {
        Headers headers = Headers.of("content-type", "application/json", "authorization", "Bearer sk-client",
                "cf-aig-metadata", "{\"user\":\"" + user + "\"}");
        byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        return gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", headers, body)).join();
    }

    private static Decision.Forward admitted(Decision d) {
        assertThat(d).as("admitted").isInstanceOf(Decision.Forward.class);
        return (Decision.Forward) d;
    }

    private static String refusingRule(Decision d) throws IOException {
        assertThat(d).as("refused").isInstanceOf(Decision.Answer.class);
        return JSON.readTree(((Decision.Answer) d).body()).get("error").get("rule").asText();
    }

    private static Completion finished(Usage usage, int attempts) {
        return new Completion(200, false, false, 0, attempts, 1_000, 2_000, 100, usage, null, null);
    }

    @Test
    void bucketKeysNameTheRuleItsConfigurationAndEachDimensionValue() {
        rules("      - {name: per-user-model, key: [metadata.user, model], limit: 5, window: 60s}\n");
        admitted(send("alice"));
        assertThat(backend.keys).singleElement().asString().matches("per-user-model@[0-9a-f]{8}:alice:gpt-4o");
    }

    @Test
    void aKeyOfUpTo200CharactersIsKeptAndALongerOneIsHashed() {
        rules("      - {name: per-user, key: [metadata.user], limit: 5, window: 60s}\n");
        String longest = "u".repeat(200);
        admitted(send(longest));
        admitted(send(longest + "v"));
        assertThat(backend.keys.get(0)).endsWith(":" + longest);
        assertThat(backend.keys.get(1)).matches("per-user@[0-9a-f]{8}:#[0-9a-f]+").doesNotContain("uuu");
    }

    @Test
    void whenTwoRulesRefuseWithTheSameWaitTheFirstIsNamed() throws IOException {
        rules("""
                      - {name: first, limit: 1, window: 60s}
                      - {name: second, limit: 1, window: 60s}
                """);
        admitted(send("alice"));
        assertThat(refusingRule(send("alice"))).isEqualTo("first");
    }

    @Test
    void theTightestRuleIsTheSmallestShareLeftNotTheSmallestCount() {
        rules("""
                      - {name: calls, limit: 10, window: 60s}
                      - {name: tokens, unit: total_tokens, limit: 100, window: 60s}
                """);
        admitted(send("alice")).exchange().complete(finished(new Usage(25, 25, 0), 1));
        for (int i = 0; i < 2; i++) {
            admitted(send("alice"));
        }
        // calls: 6 of 10 left (60%); tokens: 50 of 100 (50%), the tightest although 50 > 6.
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"tokens\";r=50;t=10");
    }

    @Test
    void atAnEqualShareTheRuleThatResetsLaterIsShownWhicheverComesFirst() {
        clock.set(BOUNDARY.plusSeconds(50));
        rules("""
                      - {name: minute, limit: 2, window: 60s}
                      - {name: hour, limit: 2, window: 1h}
                """);
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"hour\";r=1;t=3550");
        rules("""
                      - {name: hour2, limit: 2, window: 1h}
                      - {name: minute2, limit: 2, window: 60s}
                """);
        assertThat(admitted(send("bob")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"hour2\";r=1;t=3550");
    }

    @Test
    void inputTokensAreChargedByThemselves() {
        rules("      - {name: in, unit: input_tokens, limit: 30, window: 60s}\n");
        admitted(send("alice")).exchange().complete(finished(new Usage(20, 7, 0), 1));
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"in\";r=10;t=10");
    }

    @Test
    void upstreamAttemptsChargeEveryAttemptAfterTheFirst() throws IOException {
        rules("      - {name: attempts, unit: upstream_attempts, limit: 4, window: 60s}\n");
        admitted(send("alice")).exchange().complete(finished(null, 3));
        // One taken before dispatch, two charged after: 1 left.
        assertThat(admitted(send("alice")).exchange().responseHeaders().get("ratelimit")).isEqualTo("\"attempts\";r=0;t=10");
        assertThat(refusingRule(send("alice"))).isEqualTo("attempts");
    }

    @Test
    void givingBackAndChargingNothingAreNotStoreFailures() throws IOException {
        rules("""
                      - {name: route-wide, limit: 5, window: 60s}
                      - {name: per-user, key: [metadata.user], limit: 1, window: 60s}
                      - {name: tokens, unit: total_tokens, limit: 100, window: 60s}
                """);
        admitted(send("alice")).exchange().complete(finished(new Usage(1, 1, 0), 1));
        assertThat(refusingRule(send("alice"))).isEqualTo("per-user");
        admitted(send("bob")).exchange().complete(finished(null, 1));
        assertThat(stage.storeFailures()).isZero();
        assertThat(stage.storeAvailable()).isTrue();
    }

    @Test
    void anOutageIsLoggedWithTheCausesTypeNotItsWrapper() {
        Logger logger = (Logger) LoggerFactory.getLogger(QuotaStage.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("routes:\n  - name: chat\n    quotas: [{name: q, limit: 1, window: 60s}]\n");
            stage = QuotaStage.withBackend(new Failing());
            gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(stage));
            admitted(send("alice"));
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("quota store failing unavailable (IOException)");
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void theStagePingsAndClosesItsBackend() {
        rules("      - {name: q, limit: 1, window: 60s}\n");
        assertThat(stage.ping()).isCompletedWithValue(null);
        stage.close();
        assertThat(backend.closed).isTrue();
        stage = null;
    }

    /** The in-memory backend, remembering the keys asked for and whether it was closed. */
    private static final class Recording implements QuotaBackend {
        final List<String> keys = new CopyOnWriteArrayList<>();
        final QuotaBackend inner;
        volatile boolean closed;

        Recording(QuotaBackend inner) {
            this.inner = inner;
        }

        @Override
        public CompletableFuture<AsyncBucketProxy> bucket(String key, BucketConfiguration configuration) {
            if (!keys.contains(key)) {
                keys.add(key);
            }
            return inner.bucket(key, configuration);
        }

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }
    }

    /** A store whose every operation fails as a driver's future does: wrapped. */
    private static final class Failing implements QuotaBackend {
        @Override
        public CompletableFuture<AsyncBucketProxy> bucket(String key, BucketConfiguration configuration) {
            return CompletableFuture.failedFuture(new IOException("connection refused"));
        }

        @Override
        public String describe() {
            return "failing";
        }

        @Override
        public void close() {}
    }
}
