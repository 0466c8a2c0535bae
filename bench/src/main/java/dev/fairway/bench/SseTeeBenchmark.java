package dev.fairway.bench;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.UpstreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the dispatcher's tee does per SSE chunk of a streamed miss, without the network: the usage
 * meter reads the chunk, the usage-chunk filter rewrites it (the client did not ask for usage, so
 * the gateway did and hides the extra chunk), and the exchange's observers (the cache capture, the
 * log step) see what the client gets. One invocation is a whole 50-chunk stream, opened meter and
 * end included; the score is per chunk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SseTeeBenchmark {
    static final int CHUNKS = 50;

    private Path dir;
    private Fairway fairway;
    private Gateway gateway;
    private List<byte[]> chunks;
    private long counter;
    private Exchange exchange;

    @Setup
    public void start() throws IOException {
        dir = Files.createTempDirectory("fairway-bench-tee");
        fairway = Fairway.builder(ConfigLoader.withEnv(Map.of()).parse(BenchConfigs.decision(dir))).start();
        gateway = fairway.gateway();
        chunks = SseChunks.openAiAskedForUsage(CHUNKS);
    }

    /** A fresh streamed miss per stream (a new prompt each time, so the cache captures every one). */
    @Setup(Level.Invocation)
    public void open() {
        exchange = Exchanges.forwarded(gateway, ChatBodies.chat(2048, true, "tee-" + counter++));
    }

    @TearDown(Level.Invocation)
    public void close() {
        Exchanges.failed(exchange);
    }

    @TearDown
    public void stop() throws IOException {
        fairway.close();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    @Benchmark
    @OperationsPerInvocation(CHUNKS)
    public long stream() {
        UpstreamObserver meter = exchange.upstreamObserver(exchange.plan().first(), exchange.upstreamRequest());
        meter.request(exchange.upstreamRequest());
        Headers headers = Headers.of("content-type", "text/event-stream; charset=utf-8");
        meter.onHeaders(200, headers);
        ResponseFilter transform = meter.hiding();
        if (transform == null) {
            throw new IllegalStateException("the meter did not ask for usage: nothing to hide, the benchmark measures less than it says");
        }
        ResponseObserver observer = exchange.observer();
        observer.onHeaders(200, headers);
        long sent = 0;
        for (byte[] chunk : chunks) {
            ByteBuffer raw = ByteBuffer.wrap(chunk);
            meter.onChunk(raw.asReadOnlyBuffer());
            ByteBuffer out = transform.apply(raw);
            sent += out.remaining();
            observer.onChunk(out);
        }
        meter.onEnd(true);
        ByteBuffer tail = transform.finish();
        sent += tail.remaining();
        if (tail.hasRemaining()) {
            observer.onChunk(tail);
        }
        observer.onEnd(true);
        if (exchange.metered().usage() == null) {
            throw new IllegalStateException("the meter found no usage in the stream");
        }
        return sent;
    }
}
