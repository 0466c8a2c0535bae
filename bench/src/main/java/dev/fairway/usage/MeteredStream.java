package dev.fairway.usage;

import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One OpenAI stream whose client did not ask for usage, relayed as {@code dispatch.Relay} composes
 * it: the meter opened on the answer's head, each read to the meter and then through its hiding
 * filter, the meter's end and the filter's tail. Shared by the benchmarks that time it per event
 * ({@link SseEventBenchmark}) and per stream ({@link SseStreamBenchmark}).
 */
final class MeteredStream {
    /** What the meter read, and how many bytes the client was sent. */
    record Relayed(Usage usage, long sent) {}

    private MeteredStream() {}

    static Relayed relay(PriceTable prices, Headers headers, List<byte[]> reads) {
        UsageMeter meter = new UsageMeter(WireFormat.OPENAI, "openai", "gpt-4o-mini", null, prices,
                new UsageChunkFilter(), null, Readings.NONE);
        meter.onHeaders(200, headers);
        ResponseFilter hiding = meter.hiding();
        long sent = 0;
        for (byte[] read : reads) {
            ByteBuffer raw = ByteBuffer.wrap(read);
            meter.onChunk(raw.asReadOnlyBuffer());
            sent += hiding.apply(raw).remaining();
        }
        meter.onEnd(true);
        sent += hiding.finish().remaining();
        return new Relayed(meter.usage(), sent);
    }
}
