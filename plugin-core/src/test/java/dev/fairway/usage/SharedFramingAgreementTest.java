package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.AnswerReport;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The meter and the usage-chunk filter reading one framing of the stream ({@link SseFrames}) give
 * the client exactly the bytes, chunk by chunk, and the exchange exactly the usage and answer
 * report that the two parsers of the old composition gave ({@link TwoParserReference}): over
 * streams of OpenAI chunks with and without {@code "usage":null} (the gateway asked for usage, or
 * the client did), the usage-only chunk, usage in the last content chunk, {@code [DONE]}, comments,
 * multi-line data, named events, ids and retries, CR, LF and CRLF line ends, a byte order mark, a
 * last event without its blank line; cut into chunks at random and at every byte position.
 */
class SharedFramingAgreementTest {
    private static final Headers SSE = Headers.of("content-type", "text/event-stream");
    private static final PriceTable PRICES = PriceTable.shippedOnly();
    private static final String[] TEXTS = {"Echo:", " word", " \\\"quoted\\\"", " back\\\\slash", " line\\nend", " é€😀",
        " \\u0075sage", " \\\"usage\\\":null}", " [ ]", ", \"usage\":null", "", " data: x"};

    @Test
    void randomStreamsCutAtRandomAgree() {
        Random random = new Random(22);
        for (int round = 0; round < 3_000; round++) {
            byte[] stream = stream(random);
            check(stream, randomCuts(random, stream.length));
            check(stream, new int[0]);
        }
    }

    @Test
    void anEventSplitAtEveryBytePositionAgrees() {
        Random random = new Random(52);
        for (int round = 0; round < 30; round++) {
            byte[] stream = stream(random);
            for (int cut = 0; cut <= stream.length; cut++) {
                check(stream, new int[] {cut});
            }
        }
    }

    @Test
    void everyByteItsOwnChunkAgrees() {
        Random random = new Random(53);
        for (int round = 0; round < 100; round++) {
            byte[] stream = stream(random);
            int[] cuts = new int[stream.length];
            Arrays.setAll(cuts, i -> i);
            check(stream, cuts);
        }
    }

    @Test
    void anEventOverTheBoundStopsBothReadersAlike() {
        StringBuilder big = new StringBuilder(SseFrames.MAX_EVENT + 64);
        big.append("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\ndata: \"");
        big.repeat("x", SseFrames.MAX_EVENT);
        big.append("\"\n\ndata: {\"choices\":[],\"usage\":{\"completion_tokens\":2}}\n\n");
        byte[] stream = big.toString().getBytes(StandardCharsets.UTF_8);
        check(stream, new int[] {30, 1 << 20, SseFrames.MAX_EVENT - 5, SseFrames.MAX_EVENT + 70});
    }

    /** The stream through the old composition and the new one (meter and filter, each alone too), cut at {@code cuts}. */
    private static void check(byte[] stream, int[] cuts) {
        List<byte[]> chunks = chunks(stream, cuts);
        Supplier<String> what = () -> new String(stream, StandardCharsets.UTF_8) + " cut at " + Arrays.toString(cuts)
                + (stream.length < 4096 ? " " + HexFormat.of().formatHex(stream) : "");

        TwoParserReference.Scanner oldScanner = new TwoParserReference.Scanner(UsageMeter.eventsWithUsage(WireFormat.OPENAI));
        TwoParserReference.Filter oldFilter = new TwoParserReference.Filter();
        List<byte[]> oldOut = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuffer raw = ByteBuffer.wrap(chunk);
            oldScanner.feed(raw.asReadOnlyBuffer());
            oldOut.add(bytes(oldFilter.apply(raw)));
        }
        Usage oldUsage = UsageMapping.of(WireFormat.OPENAI, oldScanner.numbers());
        AnswerReport oldReport = oldScanner.answer().report(WireFormat.OPENAI);
        oldOut.add(bytes(oldFilter.finish()));

        // The relay's composition: the meter gets each raw chunk, then its hiding filter.
        Recorded recorded = new Recorded();
        UsageChunkFilter filter = new UsageChunkFilter();
        UsageMeter meter = new UsageMeter(WireFormat.OPENAI, "openai", "gpt-4o-mini", null, PRICES,
                filter, null, recorded);
        meter.onHeaders(200, SSE);
        ResponseFilter hiding = meter.hiding();
        assertThat(hiding).isSameAs(filter);
        List<byte[]> newOut = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuffer raw = ByteBuffer.wrap(chunk);
            meter.onChunk(raw.asReadOnlyBuffer());
            newOut.add(bytes(hiding.apply(raw)));
        }
        meter.onEnd(true);
        newOut.add(bytes(hiding.finish()));
        assertThat(newOut).as(what).containsExactlyElementsOf(oldOut);
        assertThat(recorded.usage).as(what).isEqualTo(oldUsage);
        assertThat(recorded.report).as(what).isEqualTo(oldReport);
        assertThat(filter.dropped()).as(what).isEqualTo(oldFilter.dropped());

        // The filter alone (no meter saw the chunks: it frames them itself), and the meter alone (the client asked for usage).
        UsageChunkFilter alone = new UsageChunkFilter();
        List<byte[]> aloneOut = new ArrayList<>();
        for (byte[] chunk : chunks) {
            aloneOut.add(bytes(alone.apply(ByteBuffer.wrap(chunk))));
        }
        aloneOut.add(bytes(alone.finish()));
        assertThat(aloneOut).as(what).containsExactlyElementsOf(oldOut);
        Recorded meterAlone = new Recorded();
        UsageMeter unfiltered = new UsageMeter(WireFormat.OPENAI, "openai", "gpt-4o-mini", null, PRICES,
                null, null, meterAlone);
        unfiltered.onHeaders(200, SSE);
        for (byte[] chunk : chunks) {
            unfiltered.onChunk(ByteBuffer.wrap(chunk).asReadOnlyBuffer());
        }
        unfiltered.onEnd(true);
        assertThat(meterAlone.usage).as(what).isEqualTo(oldUsage);
        assertThat(meterAlone.report).as(what).isEqualTo(oldReport);
    }

    private static final class Recorded implements Readings {
        Usage usage;
        AnswerReport report;

        @Override
        public void metered(Usage usage, Double costUsd, AnswerReport report) {
            this.usage = usage;
            this.report = report;
        }

        @Override
        public void unreadable() {}
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static List<byte[]> chunks(byte[] stream, int[] cuts) {
        List<byte[]> chunks = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            int to = Math.max(from, Math.min(cut, stream.length));
            chunks.add(Arrays.copyOfRange(stream, from, to));
            from = to;
        }
        chunks.add(Arrays.copyOfRange(stream, from, stream.length));
        return chunks;
    }

    private static int[] randomCuts(Random random, int length) {
        int[] cuts = new int[random.nextInt(8)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = random.nextInt(length + 1);
        }
        Arrays.sort(cuts);
        return cuts;
    }

    /** An OpenAI-style stream with the oddities the standard and providers allow. */
    private static byte[] stream(Random random) {
        String[] ends = {"\n", "\r\n", "\r"};
        boolean mixed = random.nextInt(4) == 0;
        String streamEnd = ends[random.nextInt(ends.length)];
        boolean askedForUsage = random.nextBoolean();
        String nullUsage = askedForUsage ? ",\"usage\":null" : "";
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(10) == 0) {
            sb.append('\uFEFF');
        }
        List<List<String>> events = new ArrayList<>();
        int content = random.nextInt(6);
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[";
        for (int i = 0; i < content; i++) {
            String text = TEXTS[random.nextInt(TEXTS.length)];
            String chunk = switch (random.nextInt(6)) {
                case 0 -> "{\"usage\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}";
                case 1 -> head + "{\"index\":0,\"delta\":{\"content\":\"" + text + "\",\"usage\":null},\"finish_reason\":null}]"
                        + nullUsage + "}";
                case 2 -> head + "{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}] , \"usage\" : null }";
                default -> head + "{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":null}]"
                        + nullUsage + "}";
            };
            events.add(data(chunk, random));
        }
        boolean usageInLast = random.nextInt(4) == 0;
        events.add(data(head + "{\"index\":0,\"delta\":{},\"finish_reason\":\"" + (random.nextBoolean() ? "stop" : "length") + "\"}]"
                + (usageInLast ? ",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":" + content + ",\"total_tokens\":" + (7 + content) + "}"
                : nullUsage) + "}", random));
        if (askedForUsage && !usageInLast) {
            String usage = "\"usage\":{\"prompt_tokens\":" + random.nextInt(1000) + ",\"completion_tokens\":" + content
                    + ",\"total_tokens\":" + (1000 + content) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + random.nextInt(5) + "}}";
            events.add(data(switch (random.nextInt(3)) {
                case 0 -> head + "]," + usage + "}";
                case 1 -> "{" + usage + ",\"choices\":[ \n]}";
                default -> "{\"id\":\"c\",\"choices\":[],\"service_tier\":\"default\"," + usage + "}";
            }, random));
        }
        if (random.nextInt(3) > 0) {
            events.add(List.of("data: [DONE]"));
        }
        // Lines that are not data: comments, fields of their own, unknown fields, named events.
        int extras = random.nextInt(4);
        for (int i = 0; i < extras; i++) {
            int at = random.nextInt(events.size() + 1);
            List<String> extra = switch (random.nextInt(6)) {
                case 0 -> List.of(": keep-alive");
                case 1 -> List.of(": \"usage\":null");
                case 2 -> List.of("id: 7", "retry: 1000");
                case 3 -> List.of("event: response.completed", "data: {\"response\":{\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}}");
                case 4 -> List.of("event: other", "data: {\"usage\":{\"prompt_tokens\":99}}");
                default -> List.of("foo: \"usage\":null", "data:{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}");
            };
            events.add(at, extra);
        }
        for (int e = 0; e < events.size(); e++) {
            for (String line : events.get(e)) {
                sb.append(line).append(mixed ? ends[random.nextInt(ends.length)] : streamEnd);
            }
            boolean last = e == events.size() - 1;
            if (!last || random.nextInt(5) > 0) {
                sb.append(mixed ? ends[random.nextInt(ends.length)] : streamEnd);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The data lines of one event: one line mostly, the JSON split over several lines sometimes. */
    private static List<String> data(String json, Random random) {
        if (random.nextInt(6) > 0) {
            return List.of((random.nextInt(5) == 0 ? "data:" : "data: ") + json);
        }
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (from < json.length()) {
            int to = Math.min(json.length(), from + 1 + random.nextInt(40));
            lines.add("data: " + json.substring(from, to));
            from = to;
        }
        return lines;
    }
}
