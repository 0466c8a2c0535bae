package dev.fairway.usage;

import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * The event loop's usage work for one whole streamed answer, as {@code dispatch.Relay} composes it
 * for an OpenAI stream whose client did not ask for usage: the meter opened on the answer's head,
 * every chunk to the meter and then through its hiding filter, the meter's end and the filter's
 * tail. The stream is the floor's upstream body ({@code bench/floor/chat-stream.sse}: 52 events,
 * 15 KiB), cut as a socket would deliver it: {@code chunk=event} one read per event (a provider
 * writing as it generates), a number the bytes per read (the floor's upstream writes the file at
 * once, and the reads are as large as the receive buffer lets them be), {@code whole} one read.
 * The score, and {@code gc.alloc.rate.norm} under {@code -prof gc}, are per stream.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SseStreamBenchmark {
    /** Run from the repository's root, as the benchmarks are. */
    @Param("bench/floor/chat-stream.sse")
    public String body;

    @Param({"event", "2048", "whole"})
    public String chunk;

    private List<byte[]> reads;
    private long completionTokens;
    private final Headers headers = Headers.of("content-type", "text/event-stream");
    private final PriceTable prices = PriceTable.shippedOnly();

    @Setup
    public void reads() {
        byte[] all;
        try {
            all = Files.readAllBytes(Path.of(body));
        } catch (IOException e) {
            throw new UncheckedIOException("the stream's body: run from the repository's root", e);
        }
        reads = new ArrayList<>();
        if (chunk.equals("whole")) {
            reads.add(all);
        } else if (chunk.equals("event")) {
            int from = 0;
            for (int i = 0; i + 1 < all.length; i++) {
                if (all[i] == '\n' && all[i + 1] == '\n') {
                    reads.add(Arrays.copyOfRange(all, from, i + 2));
                    from = i + 2;
                }
            }
            if (from < all.length) {
                reads.add(Arrays.copyOfRange(all, from, all.length));
            }
        } else {
            int size = Integer.parseInt(chunk);
            for (int from = 0; from < all.length; from += size) {
                reads.add(Arrays.copyOfRange(all, from, Math.min(all.length, from + size)));
            }
        }
        completionTokens = -1;
        completionTokens = stream().outputTokens();
    }

    @Benchmark
    public Usage stream() {
        MeteredStream.Relayed relayed = MeteredStream.relay(prices, headers, reads);
        Usage usage = relayed.usage();
        if (usage == null || relayed.sent() == 0 || completionTokens >= 0 && usage.outputTokens() != completionTokens) {
            throw new IllegalStateException("the meter read " + usage + " from the stream");
        }
        return usage;
    }
}
