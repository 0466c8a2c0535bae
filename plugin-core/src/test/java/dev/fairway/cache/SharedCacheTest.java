package dev.fairway.cache;

import static dev.fairway.cache.CacheHarness.CHAT;
import static dev.fairway.cache.CacheHarness.answered;
import static dev.fairway.cache.CacheHarness.awaitUntil;
import static dev.fairway.cache.CacheHarness.body;
import static dev.fairway.cache.CacheHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fairway.pipeline.Decision;
import dev.fairway.quota.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Two gateway processes (two cache stages with their own tiers) sharing one real Redis. */
class SharedCacheTest {
    private static final String ROUTES = """
              - {name: r, prefix: /, cache: {enabled: true, single_flight_wait_ms: 5000}}
              - {name: other, prefix: /other, cache: {enabled: true}}
              - {name: short, prefix: /short, cache: {enabled: true, single_flight_wait_ms: 400}}
            """;
    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"hello\"}}]}";

    private static RedisServer redis;
    private static RedisClient raw;
    private static StatefulRedisConnection<String, String> rawConnection;

    @TempDir
    Path dir;
    private CacheHarness a;
    private CacheHarness b;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger healthLogger = (Logger) LoggerFactory.getLogger(SharedHealth.class);

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        raw = RedisClient.create(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        if (raw != null) {
            raw.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        if (!redisRuns()) {
            redis.resume();
        }
        rawConnection = raw.connect();
        rawConnection.sync().flushall();
        a = CacheHarness.shared(dir.resolve("a"), redis.uri(), ROUTES);
        b = CacheHarness.shared(dir.resolve("b"), redis.uri(), ROUTES);
        log.start();
        healthLogger.addAppender(log);
    }

    @AfterEach
    void stop() {
        healthLogger.detachAppender(log);
        a.close();
        b.close();
        if (rawConnection != null && rawConnection.isOpen()) {
            rawConnection.close();
        }
    }

    private static boolean redisRuns() {
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            return "PONG".equals(c.sync().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void anAnswerStoredThroughOneProcessIsAHitOnTheOtherAndFillsItsOwnTiers() {
        a.upstream(a.send(CHAT, ASK), 200, "application/json", ANSWER);

        Decision.Answer hit = answered(b.send(CHAT, ASK));
        assertThat(hit.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
        assertThat(body(hit)).isEqualTo(ANSWER);
        assertThat(hit.headers().get("content-type")).isEqualTo("application/json");

        // The hit is answered before the copy into this process's tiers lands (on the store's pool).
        awaitUntil(() -> b.stage.store().index().size() == 1, "the shared hit is copied into b's tiers");
        rawConnection.sync().flushall();
        assertThat(answered(b.send(CHAT, ASK)).headers().get("cf-aig-cache-status"))
                .as("the shared hit was copied into this process's tiers").isEqualTo("HIT");
    }

    @Test
    void anotherRouteOrAnotherCredentialNeverReachesTheSharedEntry() {
        a.upstream(a.send(CHAT, ASK), 200, "application/json", ANSWER);

        assertThat(forwarded(b.send("/other" + CHAT, ASK)).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        assertThat(forwarded(b.send(CHAT, ASK, "authorization", "Bearer sk-tenant-b")).responseHeaders()
                .get("cf-aig-cache-status")).isEqualTo("MISS");
    }

    @Test
    void identicalRequestsOnTwoProcessesMakeOneUpstreamCall() {
        Decision leader = a.send(CHAT, ASK);
        forwarded(leader);
        // The lease is taken asynchronously after the leader is forwarded: wait for it first, or the
        // follower can find no lease yet and go upstream itself.
        awaitUntil(() -> leaseHeld(), "process A holds the lease");
        CompletableFuture<Decision> follower = b.sendAsync(CHAT, ASK);
        // The follower waits on the lease, not answered and not forwarded. Its look and its try for the
        // lease run on its own threads: answering A before it tried let it find neither the entry
        // (looked at before A stored it) nor the lease (tried after A gave it back), and go upstream
        // (failed once in a full run; a race of the test, not of a waiting follower).
        awaitUntil(() -> b.stage.sharedLeaseWaits() == 1, "process B waits on A's lease");
        assertThat(follower).isNotDone();

        a.upstream(leader, 200, "application/json", ANSWER);

        Decision.Answer hit = answered(follower.orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(hit.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
        assertThat(body(hit)).isEqualTo(ANSWER);
        assertThat(leaseHeld()).as("the lease is given back once the answer is stored").isFalse();
    }

    @Test
    void aProcessThatLooksJustBeforeTheLeaderStoresAndGivesTheLeaseBackIsAnsweredFromTheEntry() throws Exception {
        try (CommandGate gate = CommandGate.to(redis.port())) {
            CacheHarness c = CacheHarness.shared(dir.resolve("c"), gate.uri(), ROUTES);
            try {
                // Process C's connection to Redis is made by a first request of its own, before the gate counts.
                String warm = ASK.replace("hi", "warm-up");
                c.upstream(c.send(CHAT, warm), 200, "application/json", ANSWER);
                awaitUntil(() -> !leaseHeld(), "process C stored its warm-up answer and gave its lease back");
                Decision leader = a.send(CHAT, ASK);
                forwarded(leader);
                awaitUntil(() -> leaseHeld(), "process A holds the lease");

                // C's first command at Redis goes through (A has stored nothing yet); its next one waits
                // until A has stored its answer and given the lease back. Had the look for the entry
                // and the try for the lease been two commands, C would now take the free lease and go
                // upstream a second time.
                gate.holdAfter(1);
                CompletableFuture<Decision> follower = c.sendAsync(CHAT, ASK);
                awaitUntil(gate::holding, "process C's second command at Redis is held");
                a.upstream(leader, 200, "application/json", ANSWER);
                awaitUntil(() -> !leaseHeld(), "process A stored its answer and gave the lease back");
                gate.open();

                Decision.Answer hit = answered(follower.orTimeout(10, TimeUnit.SECONDS).join());
                assertThat(hit.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
                assertThat(body(hit)).isEqualTo(ANSWER);
            } finally {
                c.close();
            }
        }
    }

    @Test
    void aSharedEntryLargerThanThisProcessKeepsIsAMissForWhichItTakesTheLease() {
        a.upstream(a.send(CHAT, ASK), 200, "application/json", ANSWER);
        // A process whose route keeps smaller entries (a configuration being rolled out) finds A's entry
        // too large: a miss, and it goes upstream holding the lease, which it gives back afterwards.
        CacheHarness c = CacheHarness.shared(dir.resolve("c"), redis.uri(),
                "  - {name: r, prefix: /, cache: {enabled: true, single_flight_wait_ms: 5000, max_entry_bytes: 16}}\n");
        try {
            Decision miss = c.send(CHAT, ASK);
            assertThat(forwarded(miss).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
            assertThat(leaseHeld()).as("process C holds the lease while it is upstream").isTrue();
            c.upstream(miss, 200, "application/json", ANSWER);
            awaitUntil(() -> !leaseHeld(), "process C gives the lease back once its answer landed");
        } finally {
            c.close();
        }
    }

    @Test
    void whenTheLeaseHolderStoresNothingTheOtherProcessGoesUpstreamWithoutWaitingOut() {
        Decision leader = a.send(CHAT, ASK);
        CompletableFuture<Decision> follower = b.sendAsync(CHAT, ASK);
        awaitUntil(() -> leaseHeld(), "process A holds the lease");

        long before = System.nanoTime();
        a.upstream(leader, 429, "application/json", "{\"error\":{\"message\":\"slow down\"}}");

        assertThat(forwarded(follower.orTimeout(10, TimeUnit.SECONDS).join()).responseHeaders().get("cf-aig-cache-status"))
                .isEqualTo("MISS");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).as("well before the 5 s wait").isLessThan(4000);
    }

    @Test
    void aLeaseWhoseHolderDiedExpiresAndTheWaitingProcessGoesUpstream() {
        forwarded(a.send("/short" + CHAT, ASK)); // process A takes the lease and never answers
        awaitUntil(() -> leaseHeld(), "process A holds the lease");
        Decision waited = b.sendAsync("/short" + CHAT, ASK).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(forwarded(waited).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        awaitUntil(() -> !leaseHeld(), "the lease expired by itself");
    }

    @Test
    void aRedisOutageDegradesToEachProcesssOwnTiersLoggedOnceAndSharingResumesAfter() throws Exception {
        redis.stop();

        Decision first = a.send(CHAT, ASK);
        assertThat(forwarded(first).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        a.upstream(first, 200, "application/json", ANSWER);
        assertThat(answered(a.send(CHAT, ASK)).headers().get("cf-aig-cache-status")).isEqualTo("HIT");
        Decision onB = b.send(CHAT, ASK);
        assertThat(forwarded(onB).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        b.upstream(onB, 503, "application/json", "{}");
        assertThat(a.stage.sharedAvailable()).isFalse();
        assertThat(a.stage.sharedFailures()).isPositive();
        assertThat(warnings()).isEqualTo(2); // one per process, not one per request

        redis.resume();
        // Each process reconnects on its own (a failed first connection is retried after a pause):
        // stored through A, asked through B, until B answers from the shared tier.
        int[] n = {0};
        awaitUntil(() -> {
            String ask = ASK.replace("hi", "again " + n[0]++);
            a.upstream(a.send(CHAT, ask), 200, "application/json", ANSWER);
            Decision d = b.send(CHAT, ask);
            if (d instanceof Decision.Answer hit) {
                return "HIT".equals(hit.headers().get("cf-aig-cache-status"));
            }
            b.upstream(d, 503, "application/json", "{}");
            return false;
        }, "an answer stored through A is a hit on B again");
        assertThat(a.stage.sharedAvailable()).isTrue();
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.INFO).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.contains("answers again"));
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(redis.uri()));
    }

    private long warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    private static boolean leaseHeld() {
        return !rawConnection.sync().keys("fairway:cache:lease:*").isEmpty();
    }
}
