package dev.fairway.quota.redis;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RedisSettings;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.quota.QuotaBackendContract;
import dev.fairway.quota.TestClock;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The backend contract against a real redis-server, plus what only a shared store does. */
class RedisBackendTest extends QuotaBackendContract {
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    static RedisSettings settings(String uri) {
        return ConfigLoader.withEnv(Map.of("REDIS_URI", uri))
                .parse("redis: {uri: '${env:REDIS_URI}', command_timeout_ms: 1000, key_prefix: 'test:quota:'}")
                .redis();
    }

    @Override
    protected QuotaBackend newBackend(TestClock clock) {
        return RedisBackend.create(settings(redis.uri()), clock);
    }

    @Test
    void twoBackendsOnOneRedisShareABucket() {
        String rule = "{name: shared, limit: 3, window: 60s}";
        try (QuotaBackend other = newBackend(clock)) {
            AsyncBucketProxy mine = bucket(backend, rule, key("shared"));
            AsyncBucketProxy theirs = bucket(other, rule, key("shared"));
            assertThat(mine.tryConsume(2).join()).isTrue();
            assertThat(theirs.tryConsume(1).join()).isTrue();
            assertThat(mine.tryConsume(1).join()).isFalse();
            assertThat(theirs.tryConsume(1).join()).isFalse();
        }
    }

    @Test
    void describesTheStoreWithoutItsCredentials() {
        try (QuotaBackend b = RedisBackend.create(settings("redis://user:hunter2@127.0.0.1:" + redis.port()), clock)) {
            assertThat(b.describe()).isEqualTo("redis 127.0.0.1:" + redis.port()).doesNotContain("hunter2");
        }
    }

    @Test
    void pingAnswersWhileRedisRuns() {
        assertThat(backend.ping().join()).isNull();
    }

    @Test
    void afterCloseEveryOperationFailsAndClosingAgainIsHarmless() {
        bucket(backend, "{name: r, limit: 3, window: 60s}", key("closing"));
        backend.close();
        backend.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bucket(backend, "{name: r, limit: 3, window: 60s}", key("closing")))
                .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("quota store closed");
        assertThat(backend.ping()).failsWithin(java.time.Duration.ofSeconds(5));
    }

    @Test
    void aBackendCreatedBeforeRedisStartsConnectsOnceItAnswers() throws Exception {
        RedisServer late = RedisServer.start();
        late.stop();
        try (QuotaBackend b = RedisBackend.create(settings(late.uri()), clock)) {
            assertThat(b.ping()).failsWithin(java.time.Duration.ofSeconds(5));
            late.resume();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            boolean answered = false;
            while (!answered && System.nanoTime() < deadline) {
                answered = b.ping().handle((v, t) -> t == null).join();
                if (!answered) {
                    Thread.sleep(100); // polling a reconnect, never a timing assertion
                }
            }
            assertThat(answered).as("connected once Redis answered").isTrue();
            assertThat(bucket(b, "{name: r, limit: 3, window: 60s}", key("late")).tryConsume(1).join()).isTrue();
        } finally {
            late.close();
        }
    }
}
