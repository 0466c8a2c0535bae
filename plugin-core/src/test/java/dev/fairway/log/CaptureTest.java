package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The log's copy of an answer: every chunk's bytes from its position, in order, cut at the route's limit. */
class CaptureTest {
    private static ByteBuffer chunk(String prefix, String text) {
        // The chunk's readable bytes start after a prefix the observer must not copy, as a view into a larger buffer would.
        ByteBuffer b = ByteBuffer.wrap((prefix + text).getBytes(StandardCharsets.UTF_8));
        b.position(prefix.length());
        return b;
    }

    @Test
    void chunksAreJoinedInOrderFromTheirPositionsWithoutMovingThem() {
        LogStep.Capture capture = new LogStep.Capture(1000);
        ByteBuffer first = chunk("xx", "data: one\n\n");
        capture.onChunk(first);
        capture.onChunk(chunk("", "data: two\n\n"));
        capture.onChunk(chunk("yyy", "data: [DONE]\n\n"));
        assertThat(new String(capture.bytes(), StandardCharsets.UTF_8)).isEqualTo("data: one\n\ndata: two\n\ndata: [DONE]\n\n");
        assertThat(first.position()).isEqualTo(2);
        assertThat(capture.cut()).isFalse();
    }

    @Test
    void theAnswerIsCutAtTheLimitInsideAChunk() {
        LogStep.Capture capture = new LogStep.Capture(8);
        capture.onChunk(chunk("", "abcde"));
        capture.onChunk(chunk("z", "fghij"));
        capture.onChunk(chunk("", "klm"));
        assertThat(new String(capture.bytes(), StandardCharsets.UTF_8)).isEqualTo("abcdefgh");
        assertThat(capture.cut()).isTrue();
    }

    @Test
    void oneChunkOrNoneIsKeptAsItIs() {
        LogStep.Capture none = new LogStep.Capture(100);
        assertThat(none.bytes()).isEmpty();
        LogStep.Capture one = new LogStep.Capture(100);
        one.onChunk(chunk("", "{\"id\":1}"));
        assertThat(new String(one.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
        assertThat(one.cut()).isFalse();
    }
}
