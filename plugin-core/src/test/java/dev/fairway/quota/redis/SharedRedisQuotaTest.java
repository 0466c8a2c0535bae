package dev.fairway.quota.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.quota.QuotaStage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Whole gateways on a Redis-backed quota: one limit across processes, and what an outage does. */
class SharedRedisQuotaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RedisServer redis;
    private final List<Fairway> gateways = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger quotaLogger = (Logger) LoggerFactory.getLogger(QuotaStage.class);

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        log.start();
        quotaLogger.addAppender(log);
    }

    @AfterEach
    void stop() {
        quotaLogger.detachAppender(log);
        gateways.forEach(Fairway::close);
        if (redis != null) {
            redis.close();
        }
    }

    /** A gateway core with its own Redis client; the rules are the same in every one. */
    private Fairway gateway(String redisUri, String prefix, int timeoutMs) {
        GatewayConfig config = ConfigLoader.withEnv(Map.of("REDIS_URI", redisUri)).parse("logs: {spool_dir: '" + dev.fairway.testing.GatewayHarness.tempDir("fairway-spool") + "'}\n" + """
                redis: {uri: '${env:REDIS_URI}', command_timeout_ms: %d, connect_timeout_ms: %d, key_prefix: '%s'}
                routes:
                  - name: open
                    prefix: /open
                    quotas:
                      - {name: shared, limit: 10, window: 1h, technique: sliding, on_store_failure: fail_open}
                  - name: closed
                    prefix: /closed
                    quotas:
                      - {name: strict, limit: 1000, window: 1h, technique: sliding, on_store_failure: fail_closed}
                """.formatted(timeoutMs, timeoutMs, prefix));
        Fairway fw = Fairway.builder(config).start();
        gateways.add(fw);
        return fw;
    }

    private static CompletableFuture<Decision> send(Fairway fw, String prefix) {
        byte[] body = "{\"model\":\"gpt-4o\"}".getBytes(StandardCharsets.UTF_8);
        return fw.gateway().decide(GatewayRequest.of("POST", prefix + "/openai/v1/chat/completions",
                Headers.of("authorization", "Bearer sk-client"), body));
    }

    /** Forwards are not dispatched here: end them as an upstream answer would. */
    private static Decision finish(Decision d) {
        if (d instanceof Decision.Forward f) {
            f.exchange().complete(new Completion(200, false, false, 0, 1, 1, 1, 1, null, null, null));
        }
        return d;
    }

    private static QuotaStage quotaStage(Fairway fw) {
        return fw.gateway().stages().stream().filter(QuotaStage.class::isInstance).map(QuotaStage.class::cast).findFirst().orElseThrow();
    }

    @Test
    void twoGatewaysOnOneRedisAdmitTheLimitInTotalNotTwiceIt() {
        String prefix = "shared-" + UUID.randomUUID() + ":";
        // Generous timeouts: a store failure here would be admitted (fail_open) and blur the count.
        Fairway a = gateway(redis.uri(), prefix, 5000);
        Fairway b = gateway(redis.uri(), prefix, 5000);
        List<CompletableFuture<Decision>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(send(i % 2 == 0 ? a : b, "/open"));
        }
        long admitted = all.stream().map(CompletableFuture::join).map(SharedRedisQuotaTest::finish)
                .filter(Decision.Forward.class::isInstance).count();
        long refused = all.stream().map(CompletableFuture::join)
                .filter(d -> d instanceof Decision.Answer ans && ans.status() == 429).count();
        assertThat(quotaStage(a).storeFailures()).isZero();
        assertThat(quotaStage(b).storeFailures()).isZero();
        assertThat(admitted).isEqualTo(10);
        assertThat(refused).isEqualTo(30);
    }

    @Test
    void whileRedisIsDownFailOpenAdmitsAndFailClosedRefusesThenBothRecover() throws Exception {
        Fairway fw = gateway(redis.uri(), "outage-" + UUID.randomUUID() + ":", 2000);
        QuotaStage stage = quotaStage(fw);
        assertThat(finish(send(fw, "/open").join())).isInstanceOf(Decision.Forward.class);
        assertThat(finish(send(fw, "/closed").join())).isInstanceOf(Decision.Forward.class);

        redis.stop();
        for (int i = 0; i < 5; i++) {
            Decision open = finish(send(fw, "/open").join());
            assertThat(open).as("fail_open admits").isInstanceOf(Decision.Forward.class);
            assertThat(((Decision.Forward) open).exchange().responseHeaders().contains("ratelimit")).isFalse();
            Decision closed = send(fw, "/closed").join();
            assertThat(closed).as("fail_closed refuses").isInstanceOf(Decision.Answer.class);
            Decision.Answer answer = (Decision.Answer) closed;
            assertThat(answer.status()).isEqualTo(503);
            JsonNode error = JSON.readTree(answer.body()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("service_unavailable");
            assertThat(error.get("rule").asText()).isEqualTo("strict");
            assertThat(error.get("message").asText()).contains("quota store unavailable").contains("strict");
        }
        assertThat(stage.storeAvailable()).isFalse();
        assertThat(stage.storeFailures()).isGreaterThanOrEqualTo(10);
        assertThat(warnings()).as("one warning per outage, not per request").hasSize(1);
        assertThat(warnings().get(0).getFormattedMessage()).contains("redis 127.0.0.1:" + redis.port()).contains("unavailable");

        redis.resume();
        assertThat(eventuallyAdmitted(fw, "/closed")).as("fail_closed admits again once Redis is back").isTrue();
        assertThat(stage.storeAvailable()).isTrue();
        assertThat(log.list.stream().filter(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("answers again"))).hasSize(1);
        long failuresAfterRecovery = stage.storeFailures();
        assertThat(finish(send(fw, "/open").join())).isInstanceOf(Decision.Forward.class);
        assertThat(stage.storeFailures()).isEqualTo(failuresAfterRecovery);
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void aGatewayStartsWhileRedisIsUnreachableAndEachRuleAppliesItsChoice() throws IOException {
        int nothingThere;
        try (ServerSocket s = new ServerSocket(0)) {
            nothingThere = s.getLocalPort();
        }
        Fairway fw = gateway("redis://127.0.0.1:" + nothingThere, "absent:", 500);
        assertThat(finish(send(fw, "/open").join())).isInstanceOf(Decision.Forward.class);
        Decision closed = send(fw, "/closed").join();
        assertThat(((Decision.Answer) closed).status()).isEqualTo(503);
        assertThat(quotaStage(fw).storeFailures()).isGreaterThanOrEqualTo(2);
    }

    private List<ILoggingEvent> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    /** Lettuce reconnects in the background; poll until the store answers (bounded, never a timing assertion). */
    private static boolean eventuallyAdmitted(Fairway fw, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (finish(send(fw, prefix).join()) instanceof Decision.Forward) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
