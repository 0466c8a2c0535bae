package dev.fairway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    /** Every line ending, a comment, multi-line data, id and retry, and 2-, 3- and 4-byte UTF-8 characters. */
    private static final String SAMPLE = "\uFEFFevent: a\r\ndata: één\r\n\r\n: comment\ndata: x\ndata: y\n\nid: 3\rdata:no-space\r\r"
            + "retry: 1500\nevent: \u0800\u20AC\uFFFD\ndata: \u4E2D\u6587 \uFFFF \uD83D\uDE00\uD800\uDC00\r\n\r\n"
            + "data\n\nid\nevent: ping\n\ndata: [DONE]\n\n";

    private static final class Recorder implements SseParser.Handler {
        final List<String> seen = new ArrayList<>();

        @Override
        public void event(SseEvent e) {
            seen.add(e.name() + "|" + e.text() + "|" + e.id() + "|" + e.end());
        }

        @Override
        public void blank(long end) {
            seen.add("blank|" + end);
        }
    }

    private static List<String> parse(byte[] bytes, int... cuts) {
        Recorder r = new Recorder();
        SseParser p = new SseParser(1024, r);
        int from = 0;
        for (int cut : cuts) {
            p.feed(ByteBuffer.wrap(bytes, from, cut - from).slice());
            from = cut;
        }
        p.feed(ByteBuffer.wrap(bytes, from, bytes.length - from).slice());
        p.finish();
        assertThat(p.failure()).isNull();
        assertThat(p.retry()).isEqualTo(1500);
        return r.seen;
    }

    @Test
    void readsTheStandardsFields() {
        byte[] b = SAMPLE.getBytes(StandardCharsets.UTF_8);
        assertThat(parse(b)).containsExactly(
                "a|één||" + offsetAfter(b, "\r\n\r", 0),
                "null|x\ny||" + offsetAfter(b, "y\n\n", 0),
                "null|no-space|3|" + offsetAfter(b, "space\r\r", 0),
                "\u0800\u20AC\uFFFD|\u4E2D\u6587 \uFFFF \uD83D\uDE00\uD800\uDC00|3|" + offsetAfter(b, "\uD800\uDC00\r\n\r", 0),
                "null||3|" + offsetAfter(b, "data\n\n", 0),
                "blank|" + offsetAfter(b, "ping\n\n", 0),
                "null|[DONE]||" + b.length);
    }

    @Test
    void everySplitPointGivesTheSameEvents() {
        byte[] b = SAMPLE.getBytes(StandardCharsets.UTF_8);
        List<String> whole = parse(b);
        for (int i = 0; i <= b.length; i++) {
            assertThat(parse(b, i)).as("split at %d", i).isEqualTo(whole);
            for (int j = i; j <= Math.min(b.length, i + 5); j++) {
                assertThat(parse(b, i, j)).as("split at %d and %d", i, j).isEqualTo(whole);
            }
        }
        int[] bytewise = new int[b.length - 1];
        for (int i = 0; i < bytewise.length; i++) {
            bytewise[i] = i + 1;
        }
        assertThat(parse(b, bytewise)).isEqualTo(whole);
    }

    @Test
    void anUnterminatedLastEventIsKeptAtTheEnd() {
        Recorder r = new Recorder();
        SseParser p = new SseParser(1024, r);
        p.feed(ByteBuffer.wrap("data: tail".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.seen).isEmpty();
        assertThat(p.atBoundary()).isFalse();
        p.finish();
        assertThat(r.seen).containsExactly("null|tail||10");
    }

    @Test
    void aTooLongLineStopsTheParserWithAReason() {
        Recorder r = new Recorder();
        SseParser p = new SseParser(16, r);
        p.feed(ByteBuffer.wrap("data: 0123456789abcdefghij\n\ndata: after\n\n".getBytes(StandardCharsets.UTF_8)));
        p.finish();
        assertThat(p.failed()).isTrue();
        assertThat(p.failure()).isEqualTo("a line over 16 bytes");
        assertThat(r.seen).isEmpty();
    }

    @Test
    void tooMuchDataInOneEventStopsTheParser() {
        Recorder r = new Recorder();
        SseParser p = new SseParser(16, r);
        p.feed(ByteBuffer.wrap("data: 0123456\ndata: 0123456\ndata: 0\n\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(p.failure()).isEqualTo("an event over 16 bytes");
        assertThat(r.seen).isEmpty();
    }

    @Test
    void idWithNulAndRetryWithNonDigitsAreIgnored() {
        Recorder r = new Recorder();
        SseParser p = new SseParser(1024, r);
        p.feed(ByteBuffer.wrap("id: 7\nretry: 12a\n\nid: a\0b\ndata: d\n\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(p.retry()).isEqualTo(-1);
        assertThat(r.seen).containsExactly("blank|18", "null|d|7|35");
    }

    @Test
    void anAlmostByteOrderMarkIsText() {
        Recorder r = new Recorder();
        SseParser p = new SseParser(1024, r);
        p.feed(ByteBuffer.wrap(new byte[] {(byte) 0xEF, (byte) 0xBB}));
        p.feed(ByteBuffer.wrap("data: x\n\n".getBytes(StandardCharsets.UTF_8)));
        // The line's field is "\uFFFD\uFFFDdata", which no field is: the blank line ends no event.
        assertThat(r.seen).containsExactly("blank|11");
        assertThat(p.atBoundary()).isTrue();
    }

    @Test
    void encodesMultiLineData() {
        assertThat(new String(new SseEvent("e", "a\nb").encode(), StandardCharsets.UTF_8)).isEqualTo("event: e\ndata: a\ndata: b\n\n");
    }

    private static long offsetAfter(byte[] b, String marker, int from) {
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = from; i + m.length <= b.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (b[i + j] != m[j]) {
                    continue outer;
                }
            }
            return i + m.length;
        }
        throw new AssertionError(marker);
    }
}
