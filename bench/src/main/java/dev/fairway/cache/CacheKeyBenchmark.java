package dev.fairway.cache;

import dev.fairway.bench.ChatBodies;
import dev.fairway.bench.Exchanges;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.provider.ProviderRegistry;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cache key of a chat request: {@code canonical} is the body's canonical JSON alone, {@code key}
 * the whole key (canonical body plus SHA-256 over every part). Lives in the cache's package because
 * both classes are package-private there.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CacheKeyBenchmark {
    @Param({"2048", "65536"})
    public int bodyBytes;

    private Exchange exchange;
    private byte[] body;

    @Setup
    public void setUp() {
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse(
                "routes: [{name: chat, providers: {openai: {base_url: \"http://127.0.0.1:9/v1\"}}}]");
        // No stages: only the parsed exchange is wanted.
        Gateway gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of());
        body = ChatBodies.chat(bodyBytes, false, "key");
        exchange = Exchanges.forwarded(gateway, body);
    }

    @Benchmark
    public byte[] canonical() throws IOException {
        return CanonicalJson.of(body);
    }

    @Benchmark
    public String key() {
        return CacheKey.of(exchange);
    }
}
