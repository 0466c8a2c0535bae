package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.cache.semantic.Embedders;
import dev.fairway.cache.semantic.SemanticCache;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.provider.ProviderRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway core with only the cache stage, a clock the test moves and timers the test fires;
 * the test plays the upstream by feeding the forwarded exchange's observer.
 */
final class CacheHarness implements AutoCloseable {
    static final String CHAT = "/openai/v1/chat/completions";

    final TestClock clock = new TestClock();
    final List<Runnable> timers = new ArrayList<>();
    final CacheStage stage;
    final Gateway gateway;

    /** {@code routesYaml}: the {@code routes:} list, indented as a top-level key's value. */
    CacheHarness(Path dir, String routesYaml) {
        this(dir, "", "", routesYaml);
    }

    /**
     * With {@code topYaml} (top-level keys such as providers) and {@code storageYaml} (more
     * cache_storage fields, each followed by a comma) added to the configuration.
     */
    CacheHarness(Path dir, String topYaml, String storageYaml, String routesYaml) {
        this(ConfigLoader.withEnv(Map.of()).parse("""
                %s
                cache_storage: {%sdirectory: "%s", heap_entries: 100, off_heap_mb: 4, disk_mb: 16}
                routes:
                %s
                """.formatted(topYaml, storageYaml, dir.toString().replace("\\", "/"), routesYaml)), true);
    }

    /**
     * One gateway process of several sharing the Redis at {@code redisUri} (cache_storage.shared);
     * its single-flight waits run on real timers, since they poll Redis.
     */
    static CacheHarness shared(Path dir, String redisUri, String routesYaml) {
        return new CacheHarness(ConfigLoader.withEnv(Map.of()).parse("""
                redis: {uri: "%s", command_timeout_ms: 2000, connect_timeout_ms: 2000}
                cache_storage: {directory: "%s", heap_entries: 100, off_heap_mb: 4, disk_mb: 0, shared: {enabled: true, poll_ms: 10}}
                routes:
                %s
                """.formatted(redisUri, dir.toString().replace("\\", "/"), routesYaml)), false);
    }

    private CacheHarness(GatewayConfig config, boolean testTimers) {
        CacheStage.Builder b = CacheStage.builder(config.cacheStorage()).redis(config.redis()).clock(clock)
                .semantic(SemanticCache.create(config.cacheStorage(), Embedders.of(config), clock));
        stage = (testTimers ? b.timer(this::schedule) : b).build();
        gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(stage));
    }

    private synchronized Runnable schedule(long delay, Runnable task) {
        timers.add(task);
        return () -> cancelled(task);
    }

    private synchronized void cancelled(Runnable task) {
        timers.remove(task);
    }

    synchronized void fireTimers() {
        List<Runnable> due = new ArrayList<>(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    CompletableFuture<Decision> sendAsync(String path, String body, String... headerNamesAndValues) {
        return sendAsAsync(null, path, body, headerNamesAndValues);
    }

    /** Sends as the host gateway's authenticated consumer {@code consumer} (null: none). */
    CompletableFuture<Decision> sendAsAsync(String consumer, String path, String body, String... headerNamesAndValues) {
        Headers h = Headers.of(headerNamesAndValues);
        if (!h.contains("content-type")) {
            h.add("content-type", "application/json");
        }
        if (!h.contains("authorization")) {
            h.add("authorization", "Bearer sk-tenant-a");
        }
        return gateway.decide(new GatewayRequest("POST", path, h, body.getBytes(StandardCharsets.UTF_8), consumer));
    }

    Decision send(String path, String body, String... headers) {
        return sendAsync(path, body, headers).orTimeout(10, TimeUnit.SECONDS).join();
    }

    Decision sendAs(String consumer, String path, String body, String... headers) {
        return sendAsAsync(consumer, path, body, headers).orTimeout(10, TimeUnit.SECONDS).join();
    }

    static Exchange forwarded(Decision d) {
        assertThat(d).as("expected the request to go upstream").isInstanceOf(Decision.Forward.class);
        return ((Decision.Forward) d).exchange();
    }

    static Decision.Answer answered(Decision d) {
        assertThat(d).as("expected an answer from the gateway").isInstanceOf(Decision.Answer.class);
        return (Decision.Answer) d;
    }

    /** Plays a complete upstream answer into a forwarded exchange, then waits until any store has settled. */
    void upstream(Decision d, int status, String contentType, String... chunks) {
        Exchange ex = forwarded(d);
        ResponseObserver o = ex.observer();
        o.onHeaders(status, Headers.of("content-type", contentType, "x-request-id", "req-1", "set-cookie", "s=1"));
        long bytes = 0;
        for (String c : chunks) {
            byte[] b = c.getBytes(StandardCharsets.UTF_8);
            bytes += b.length;
            o.onChunk(ByteBuffer.wrap(b));
        }
        o.onEnd(true);
        ex.complete(new Completion(status, false, false, 0, 1, 0, 0, bytes, null, null, null));
        settle();
    }

    /** Plays an upstream answer cut after {@code chunks}. */
    void upstreamCut(Decision d, String contentType, String... chunks) {
        Exchange ex = forwarded(d);
        ResponseObserver o = ex.observer();
        o.onHeaders(200, Headers.of("content-type", contentType));
        for (String c : chunks) {
            o.onChunk(ByteBuffer.wrap(c.getBytes(StandardCharsets.UTF_8)));
        }
        o.onEnd(false);
        ex.complete(new Completion(200, false, true, 0, 1, 0, 0, 0, null, null, "upstream_unavailable"));
        settle();
    }

    /** Waits for every leader to land (stores finish on the cache's own threads). */
    void settle() {
        awaitUntil(() -> stage.flights().inFlight() == 0, "every cache store finished");
    }

    /** Polls for state other threads reach; the deadline only guards against a hang. */
    static void awaitUntil(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    static String body(Decision.Answer a) {
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stage.close();
    }

    static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        void advanceSeconds(long s) {
            millis.addAndGet(s * 1000);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }
}
