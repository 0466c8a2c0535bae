package dev.fairway.bench;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decision path of one 2 KiB chat request through {@link Gateway#decide} with the standard
 * stages: route match, cf-aig headers, body scan, plan, auth (none configured), policy, guardrails
 * (none), a request quota, and the cache lookup. {@code miss} ends with the forward decision (and
 * completes the exchange as failed, so that nothing is stored and the next call misses again);
 * {@code hit} answers from the cache, which includes the hop to the cache's I/O thread.
 * {@code missWithoutCache} is {@code miss} on the same route with the cache off, to separate the
 * cache lookup from everything else.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DecideBenchmark {
    private Path dir;
    private Fairway fairway;
    private Gateway gateway;
    private Fairway noCache;
    private byte[] missBody;
    private byte[] hitBody;

    @Setup
    public void start() throws IOException {
        dir = Files.createTempDirectory("fairway-bench-decide");
        fairway = Fairway.builder(ConfigLoader.withEnv(Map.of()).parse(BenchConfigs.decision(dir))).start();
        gateway = fairway.gateway();
        noCache = Fairway.builder(ConfigLoader.withEnv(Map.of()).parse(
                BenchConfigs.decision(dir.resolve("nocache")).replace("cache: {enabled: true}", "cache: {enabled: false}"))).start();
        missBody = ChatBodies.chat(2048, false, "miss");
        hitBody = ChatBodies.chat(2048, false, "hit");
        Exchanges.answer(Exchanges.forwarded(gateway, hitBody), Exchanges.chatAnswer());
        // The store happens on the cache's own threads; wait (bounded) until the entry answers.
        for (int i = 0; i < 500 && !(gateway.decide(Exchanges.chatRequest(hitBody)).join() instanceof Decision.Answer); i++) {
            sleep();
        }
        if (!(gateway.decide(Exchanges.chatRequest(hitBody)).join() instanceof Decision.Answer)) {
            throw new IllegalStateException("the cache entry for the hit variant was never stored");
        }
    }

    @TearDown
    public void stop() throws IOException {
        fairway.close();
        noCache.close();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    @Benchmark
    public Decision miss() {
        Decision d = gateway.decide(Exchanges.chatRequest(missBody)).join();
        Exchanges.failed(((Decision.Forward) d).exchange());
        return d;
    }

    @Benchmark
    public Decision missWithoutCache() {
        Decision d = noCache.gateway().decide(Exchanges.chatRequest(missBody)).join();
        Exchanges.failed(((Decision.Forward) d).exchange());
        return d;
    }

    @Benchmark
    public Decision hit() {
        Decision d = gateway.decide(Exchanges.chatRequest(hitBody)).join();
        if (!(d instanceof Decision.Answer)) {
            throw new IllegalStateException("expected a cache hit");
        }
        return d;
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
