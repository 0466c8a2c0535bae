package dev.fairway.cache.semantic;

import dev.fairway.Fairway;
import dev.fairway.bench.BenchConfigs;
import dev.fairway.bench.Exchanges;
import dev.fairway.config.ConfigLoader;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The semantic cache's figures for docs/benchmarks.md: embedding latency of a 200-token message,
 * index lookup latency with 100,000 entries (one partition holding them all, the worst case, and
 * 1,000 partitions of 100), heap and disk per 100,000 entries, and a semantic hit through
 * {@link Gateway#decide} end to end (embedding, kNN search, exact store read).
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar dev.fairway.cache.semantic.SemanticBench [entries [embedding,index,e2e]]
 * }</pre>
 */
public final class SemanticBench {
    private static final String MESSAGE = String.join(" ", Stream.generate(() ->
            "I ordered a blue jacket last week and it still has not arrived although the tracking page said it would")
            .limit(8).toList());

    private SemanticBench() {}

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String> parts = List.of((args.length > 1 ? args[1] : "embedding,index,e2e").split(","));
        if (parts.contains("embedding")) {
            embedding();
        }
        if (parts.contains("index")) {
            index(entries, 1);
            index(entries, entries / 100);
        }
        if (parts.contains("e2e")) {
            endToEnd();
        }
    }

    private static void embedding() {
        Embedder model = MiniLmEmbedder.shared();
        Histogram h = new Histogram(3);
        for (int i = 0; i < 300; i++) {
            long t = System.nanoTime();
            model.embed(MESSAGE + " " + (i % 7));
            if (i >= 50) {
                h.recordValue(System.nanoTime() - t);
            }
        }
        System.out.printf(Locale.ROOT, "embedding (%d words, ~200 tokens): p50 %.2f ms, p99 %.2f ms%n",
                MESSAGE.split(" ").length, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6);
    }

    /** 2,000 lookups of random vectors, the first 200 as warm-up. */
    private static Histogram lookups(LuceneVectorIndex index, SplittableRandom random, int partitions) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < 2_000; i++) {
            float[] q = randomUnit(random);
            String p = "p" + (i % partitions);
            long t = System.nanoTime();
            index.nearest(p, q, 4, System.currentTimeMillis());
            if (i >= 200) {
                h.recordValue(System.nanoTime() - t);
            }
        }
        return h;
    }

    private static void index(int entries, int partitions) throws Exception {
        Path dir = Files.createTempDirectory("fairway-bench-semantic");
        SplittableRandom random = new SplittableRandom(42);
        long heapBefore = usedHeap();
        try (LuceneVectorIndex index = LuceneVectorIndex.onDisk(dir, entries + 1, Clock.systemUTC())) {
            long start = System.nanoTime();
            long expires = System.currentTimeMillis() + 3_600_000;
            for (int i = 0; i < entries; i++) {
                index.add("p" + (i % partitions), randomUnit(random), new int[] {i, i + 1, i + 2}, "json:" + i, expires);
            }
            double addSeconds = (System.nanoTime() - start) / 1e9;
            Histogram merging = lookups(index, random, partitions);
            int segmentsMerging = index.segments();
            index.settle();
            Histogram settled = lookups(index, random, partitions);
            long heapAfter = usedHeap();
            long disk;
            try (Stream<Path> files = Files.walk(dir)) {
                disk = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            System.out.printf(Locale.ROOT, "index, %,d entries in %,d partition(s): built in %.1f s; lookup while merging"
                            + " (%d segments) p50 %.3f ms, p99 %.3f ms; settled (%d segments) p50 %.3f ms, p99 %.3f ms;"
                            + " heap +%.1f MB, disk %.1f MB%n", entries, partitions, addSeconds, segmentsMerging,
                    merging.getValueAtPercentile(50) / 1e6, merging.getValueAtPercentile(99) / 1e6, index.segments(),
                    settled.getValueAtPercentile(50) / 1e6, settled.getValueAtPercentile(99) / 1e6,
                    (heapAfter - heapBefore) / 1e6, disk / 1e6);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void endToEnd() throws Exception {
        Path dir = Files.createTempDirectory("fairway-bench-semantic-e2e");
        String config = BenchConfigs.decision(dir).replace("cache: {enabled: true}", "cache: {enabled: true, semantic: {enabled: true}}");
        try (Fairway fairway = Fairway.builder(ConfigLoader.withEnv(Map.of()).parse(config)).start()) {
            Gateway gateway = fairway.gateway();
            Exchanges.answer(Exchanges.forwarded(gateway, ask("Is there a free trial?")), Exchanges.chatAnswer());
            byte[] paraphrase = ask("Do you offer a free trial?");
            // The entry is indexed off the request path, just after the answer is stored: until it is,
            // the paraphrase is a miss, whose exchange is ended at once (an open one would hold every
            // later identical request in single-flight behind it).
            for (int i = 0; i < 500; i++) {
                Decision d = gateway.decide(Exchanges.chatRequest(paraphrase)).join();
                if (d instanceof Decision.Answer) {
                    break;
                }
                Exchanges.failed(((Decision.Forward) d).exchange());
                Thread.sleep(10);
            }
            Histogram h = new Histogram(3);
            for (int i = 0; i < 600; i++) {
                long t = System.nanoTime();
                Decision d = gateway.decide(Exchanges.chatRequest(paraphrase)).join();
                long took = System.nanoTime() - t;
                if (!(d instanceof Decision.Answer a) || !a.headers().get("fairway-cache-match").startsWith("semantic")) {
                    throw new IllegalStateException("expected a semantic hit");
                }
                if (i >= 100) {
                    h.recordValue(took);
                }
            }
            System.out.printf(Locale.ROOT, "semantic hit through Gateway.decide: p50 %.2f ms, p99 %.2f ms%n",
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static byte[] ask(String question) {
        return ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static float[] randomUnit(SplittableRandom random) {
        float[] v = new float[MiniLmEmbedder.DIMENSION];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.unit(v);
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

}
