package dev.fairway.bench;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.QuotaStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request's quota check against three rules (requests, total tokens, cost), buckets in this
 * process or in a redis-server on loopback that the benchmark starts itself. The Redis variant
 * fails its setup, naming the reason, when no redis-server is on PATH; bench/run.sh leaves it out
 * then.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class QuotaBenchmark {
    @Param({"memory", "redis"})
    public String backend;

    private Path dir;
    private RedisServer redis;
    private QuotaStage stage;
    private Exchange exchange;

    @Setup
    public void start() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("fairway-bench-quota");
        String uri = null;
        if (backend.equals("redis")) {
            Path binary = RedisServer.find();
            if (binary == null) {
                throw new IllegalStateException("redis-server is not on PATH: skipping the Redis-backed quota benchmark");
            }
            redis = RedisServer.start(binary);
            uri = redis.uri();
        }
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse(BenchConfigs.quotas(dir, uri));
        Gateway parser = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of());
        exchange = Exchanges.forwarded(parser, ChatBodies.chat(2048, false, "quota"));
        stage = QuotaStage.forConfig(config);
    }

    @TearDown
    public void stop() throws IOException, InterruptedException {
        if (stage.storeFailures() > 0) {
            System.err.println("quota store failures during the run: " + stage.storeFailures() + " (the numbers are not valid)");
        }
        stage.close();
        if (redis != null) {
            redis.close();
        }
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    @Benchmark
    public Verdict check() {
        Step step = stage.open(exchange);
        Verdict v = step.beforeDispatch().join();
        if (v instanceof Verdict.Answer) {
            throw new IllegalStateException("a quota refused during the benchmark; its limits are too small");
        }
        return v;
    }
}
