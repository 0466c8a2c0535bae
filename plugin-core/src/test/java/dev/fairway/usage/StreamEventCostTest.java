package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.provider.WireFormat;
import dev.fairway.sse.SseParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stream path's per-event shortcuts are exact (the events they pass over could not have
 * changed the answer) and cheap: reading usage from and filtering an OpenAI stream allocates well
 * under 1 KiB per event.
 */
class StreamEventCostTest {
    private static final PriceTable PRICES = PriceTable.shippedOnly();
    private static final Headers SSE = Headers.of("content-type", "text/event-stream");

    @Test
    void eventsPassedOverWithoutParsingHoldNoUsageNumbers() throws IOException {
        List<byte[]> events = new ArrayList<>();
        for (String file : new String[] {"openai-chat-stream.sse", "openai-responses-stream.sse", "mistral-stream.sse",
                "anthropic-stream.sse", "google-stream.sse", "cohere-v2-stream.sse"}) {
            SseParser parser = new SseParser(1 << 20, e -> events.add(e.data()));
            parser.feed(ByteBuffer.wrap(UsageGoldenTest.golden(file)));
            parser.finish();
        }
        for (String json : new String[] {
                "{\"usage\":null}", "{\"usage\":[{\"total_tokens\":3}]}", "{\"x\":{\"usage\":{\"a\":{\"total_tokens\":1}}}}",
                "{\"content\":\"\\\"usage\\\":{\\\"total_tokens\\\":2}\"}", "{\"usage\" \n:\r\n\t{\"total_tokens\":3}}",
                "{\"\\u0075sage\":{\"total_tokens\":4}}", "[{\"usageMetadata\":{\"totalTokenCount\":5}}]", "{\"usage\":{\"total_tokens\":"}) {
            events.add(json.getBytes(StandardCharsets.UTF_8));
        }
        int parsed = 0;
        int withNumbers = 0;
        for (byte[] data : events) {
            JsonUsageScanner full = new JsonUsageScanner();
            full.feed(data, 0, data.length);
            full.end();
            boolean may = JsonUsageScanner.mayHoldUsage(data, data.length);
            if (!full.numbers().isEmpty()) {
                withNumbers++;
                assertThat(may).as(new String(data, StandardCharsets.UTF_8)).isTrue();
            }
            parsed += may ? 1 : 0;
        }
        assertThat(withNumbers).isGreaterThanOrEqualTo(10);
        // The shortcut must pass over most events, or it buys nothing.
        assertThat(parsed).isLessThan(events.size() / 2);
    }

    @Test
    void theUsageOnlyCheckAgreesWithTheParserOnEveryEvent() {
        for (String json : new String[] {"{\"choices\":[],\"usage\":{\"total_tokens\":3}}", "{\"choices\":[ \n],\"usage\":{}}",
                "{\"usage\":{},\"choices\":[{\"index\":0}]}", "{\"choices\":[],\"usage\":null}", "{\"choices\":[],\"usage\":{\"a\":tru}}",
                "{\"usage\":{\"x\":[]},\"choices\":[{}]}", "{\"choices\":[{\"delta\":{}}],\"usage\":null}"}) {
            byte[] data = json.getBytes(StandardCharsets.UTF_8);
            byte[] longer = java.util.Arrays.copyOf(data, data.length + 9);
            assertThat(UsageChunkFilter.isUsageOnly(longer, data.length)).as(json).isEqualTo(UsageChunkFilter.isUsageOnly(data));
        }
        assertThat(UsageChunkFilter.isUsageOnly("{\"choices\":[ \n],\"usage\":{}}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(UsageChunkFilter.isUsageOnly("{\"choices\":[{}],\"usage\":{}}".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    /** Bytes that are not UTF-8 pass on untouched: they used to be decoded and re-encoded as U+FFFD. */
    @Test
    void bytesThatAreNotUtf8PassOnAsTheyCame() {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes("data: {\"choices\":[{\"delta\":{\"content\":\"".getBytes(StandardCharsets.US_ASCII));
        in.write(0xFF);
        in.write(0xC3);
        in.writeBytes("\"}}],\"usage\":null}\n\n".getBytes(StandardCharsets.US_ASCII));
        UsageChunkFilter filter = new UsageChunkFilter();
        ByteBuffer out = filter.apply(ByteBuffer.wrap(in.toByteArray()));
        byte[] sent = new byte[out.remaining()];
        out.get(sent);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("data: {\"choices\":[{\"delta\":{\"content\":\"".getBytes(StandardCharsets.US_ASCII));
        expected.write(0xFF);
        expected.write(0xC3);
        expected.writeBytes("\"}}]}\n\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(sent).isEqualTo(expected.toByteArray());
    }

    @Test
    void anOpenAiStreamCostsUnderOneKibibytePerEvent() {
        List<byte[]> chunks = openAiAskedForUsage(50);
        for (int i = 0; i < 200; i++) {
            stream(chunks);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        int streams = 20;
        for (int i = 0; i < streams; i++) {
            stream(chunks);
        }
        long perEvent = (threads.getCurrentThreadAllocatedBytes() - before) / ((long) streams * chunks.size());
        // Before the per-event work was reworked this was about 5,400 bytes (a JSON parser, a String and a
        // ByteArrayOutputStream per event); now the bytes passed on and a few buffer views, whatever the JIT does.
        assertThat(perEvent).isLessThan(1024);
    }

    private static void stream(List<byte[]> chunks) {
        UsageMeter meter = new UsageMeter(WireFormat.OPENAI, "openai", "gpt-4o-mini", null, PRICES,
                new UsageChunkFilter(), null, Readings.NONE);
        meter.onHeaders(200, SSE);
        long sent = 0;
        for (byte[] chunk : chunks) {
            ByteBuffer raw = ByteBuffer.wrap(chunk);
            meter.onChunk(raw.asReadOnlyBuffer());
            sent += meter.hiding().apply(raw).remaining();
        }
        meter.onEnd(true);
        sent += meter.hiding().finish().remaining();
        assertThat(meter.usage().outputTokens()).isEqualTo(50);
        assertThat(sent).isPositive();
    }

    /** OpenAI's chunks once asked for usage: {@code "usage":null} in every one, then the usage chunk. */
    private static List<byte[]> openAiAskedForUsage(int content) {
        List<byte[]> out = new ArrayList<>();
        String head = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[";
        for (int i = 0; i < content; i++) {
            out.add((head + "{\"index\":0,\"delta\":{\"content\":\" word" + i + "\"},\"finish_reason\":null}],\"usage\":null}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.add((head + "],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":" + content + ",\"total_tokens\":" + (9 + content) + "}}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        return out;
    }
}
