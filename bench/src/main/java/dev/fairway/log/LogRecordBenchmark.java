package dev.fairway.log;

import dev.fairway.bench.ChatBodies;
import dev.fairway.bench.Exchanges;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.LoggingSettings;
import dev.fairway.log.spool.Chain;
import dev.fairway.log.spool.Line;
import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.ProviderRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request's log record: {@code build} is what the request thread does when the exchange
 * completes (the entry with its filtered headers, client hash and redactor); {@code buildAndAppend}
 * adds what the writer thread does (render to the canonical line, hash it into the chain, append to
 * the spool; fsync left to the OS, as with {@code fsync: never}). Runs synchronously on one thread so
 * the cost is per record. Lives in the log package because the entry is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LogRecordBenchmark {
    private Path dir;
    private Spool spool;
    private Exchange exchange;
    private LoggingSettings settings;
    private Completion completion;
    private byte[] requestPayload;
    private byte[] streamPayload;
    /** As the writer thread holds it: one digest for every record. */
    private final java.security.MessageDigest digest = Chain.sha256();
    /** As the writer thread holds it: one line every record is rendered into. */
    private final Line line = new Line(64 * 1024);

    @Setup
    public void start() throws IOException {
        dir = Files.createTempDirectory("fairway-bench-log");
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("""
                routes:
                  - name: chat
                    providers: {openai: {base_url: "http://127.0.0.1:9/v1"}}
                    logging: {enabled: true, redact: [email]}
                """);
        Gateway parser = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of());
        byte[] body = ChatBodies.chat(2048, false, "log");
        requestPayload = body;
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        dev.fairway.bench.SseChunks.openAiAskedForUsage(50).forEach(stream::writeBytes);
        streamPayload = stream.toByteArray();
        var request = Exchanges.chatRequest(body);
        request.headers().add("cf-aig-metadata", "{\"user\":\"u-42\",\"team\":\"search\"}");
        exchange = ((dev.fairway.pipeline.Decision.Forward) parser.decide(request).join()).exchange();
        settings = exchange.route().logging();
        completion = Completion.relayed(200, 0, 1, 180_000_000L, 950_000_000L, 1_432).withUsage(new Usage(412, 96, 0), 0.000_123);
        spool = Spool.open(dir.resolve("spool"), 64L << 20, TimeUnit.HOURS.toMillis(1), Clock.systemUTC());
    }

    /** Closed segments are deleted between iterations, so the benchmark's disk use stays bounded. */
    @TearDown(Level.Iteration)
    public void trim() throws IOException {
        spool.roll();
        for (Path p : spool.closedSegments()) {
            Files.deleteIfExists(p);
        }
    }

    @TearDown
    public void stop() throws IOException {
        spool.close();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    /**
     * The rendering of a streamed answer's record with its payloads (the 2 KiB request and the mock
     * provider's 52-event stream, about 15 KiB), unredacted as by default, into an array of its own
     * (as the old writer rendered; comparable across versions): where a stream record's writer time goes.
     */
    @Benchmark
    public byte[] renderStreamRecord() {
        return streamEntry().render(new SpoolRecord.Link(1, Chain.GENESIS, null, 0));
    }

    /** A streamed answer's entry with its payloads, unredacted. */
    private LogEntry streamEntry() {
        Completion c = completion;
        return new LogEntry(exchange.logId(), exchange.eventId(), exchange.startEpochMillis(), c.durationNanos(),
                c.ttfbNanos(), exchange.route().name(), exchange.target().provider().slug(), exchange.model(),
                exchange.method(), "/" + exchange.match().rest(), c.status(), c.success(), c.cached(), c.step(),
                c.attempts(), c.errorType(), c.usage(), c.costUsd(), false, exchange.cfAig().metadata(), requestPayload.length,
                streamPayload.length, false, "c0ffee", java.util.Map.of(), requestPayload, streamPayload, false, Redactor.NONE);
    }

    /** {@link #renderStreamRecord} as the writer thread renders: into its reused line, no array of its own. */
    @Benchmark
    public int renderStreamRecordIntoLine() {
        line.clear();
        streamEntry().render(new SpoolRecord.Link(1, Chain.GENESIS, null, 0), line);
        return line.length();
    }

    /**
     * What the writer thread does with a streamed answer's record: render it into its reused line,
     * hash the line into the chain and append it to the spool's buffer (written out when full).
     */
    @Benchmark
    public Chain.Head writeStreamRecord() {
        LogEntry entry = streamEntry();
        Chain.Head head = spool.head();
        line.clear();
        entry.render(new SpoolRecord.Link(head.seq() + 1, head.hash(), head.logId(), 0), line);
        Chain.Head next = new Chain.Head(head.seq() + 1, Chain.hash(digest, line.array(), 0, line.length()), entry.logId());
        spool.append(line.array(), 0, line.length(), next);
        return next;
    }

    @Benchmark
    public LogEntry build() {
        return entry();
    }

    @Benchmark
    public Chain.Head buildAndAppend() {
        LogEntry entry = entry();
        Chain.Head head = spool.head();
        byte[] line = entry.render(new SpoolRecord.Link(head.seq() + 1, head.hash(), head.logId(), 0));
        Chain.Head next = new Chain.Head(head.seq() + 1, Chain.hash(digest, line, 0, line.length), entry.logId());
        spool.append(line, next);
        return next;
    }

    /** The entry as the log step builds it for a completed, metered, non-payload request. */
    private LogEntry entry() {
        Completion c = completion;
        return new LogEntry(exchange.logId(), exchange.eventId(), exchange.startEpochMillis(), c.durationNanos(),
                c.ttfbNanos(), exchange.route().name(), exchange.target().provider().slug(), exchange.model(),
                exchange.method(), "/" + exchange.match().rest(), c.status(), c.success(), c.cached(), c.step(),
                c.attempts(), c.errorType(), c.usage(), c.costUsd(), exchange.cfAig().customCost() != null,
                exchange.cfAig().metadata(), exchange.body().size(), c.responseBytes(), c.truncated(),
                LogStep.clientHash(exchange), HeaderFilter.loggable(exchange.clientHeaders(), new HashSet<>(settings.removeHeaders())),
                null, null, false, Redactor.of(new HashSet<>(settings.redact())));
    }
}
