package dev.fairway.usage;

import dev.fairway.bench.SseChunks;
import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Usage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-SSE-event work of a streamed OpenAI answer whose client did not ask for usage, without an
 * exchange around it: the usage meter parses each event and reads its usage, and the usage-chunk
 * filter hides the usage the gateway asked for ({@code "usage":null} in every chunk, the usage-only
 * chunk at the end). One invocation is a whole stream of {@link #EVENTS} events (the mock provider's
 * 50-chunk answer); the score, and {@code gc.alloc.rate.norm} under {@code -prof gc}, are per event.
 * {@code chunking=event} feeds one network chunk per event (a provider writing as it generates);
 * {@code chunking=whole} the whole stream in one chunk (a provider that answered at once, as the
 * floor's upstream does), where nothing may be copied per stream beyond what is passed on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SseEventBenchmark {
    static final int CONTENT = 50;
    /** Content chunks, the finishing chunk, the usage chunk and {@code [DONE]}. */
    static final int EVENTS = CONTENT + 3;

    @Param({"event", "whole"})
    public String chunking;

    private List<byte[]> chunks;
    private final Headers headers = Headers.of("content-type", "text/event-stream; charset=utf-8");
    private final PriceTable prices = PriceTable.shippedOnly();

    @Setup
    public void chunks() {
        List<byte[]> events = SseChunks.openAiAskedForUsage(CONTENT);
        if (chunking.equals("event")) {
            chunks = events;
        } else {
            ByteBuffer all = ByteBuffer.allocate(events.stream().mapToInt(e -> e.length).sum());
            events.forEach(all::put);
            chunks = new ArrayList<>(List.of(all.array()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long stream() {
        MeteredStream.Relayed relayed = MeteredStream.relay(prices, headers, chunks);
        Usage usage = relayed.usage();
        if (usage == null || usage.outputTokens() != CONTENT) {
            throw new IllegalStateException("the meter read " + usage + " from the stream");
        }
        return relayed.sent();
    }
}
