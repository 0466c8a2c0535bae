package dev.fairway.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFramerTest {
    private static List<SseEvent> feedBytewise(SseFramer f, String text) {
        List<SseEvent> out = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.addAll(f.feed(ByteBuffer.wrap(new byte[] {b})));
        }
        return out;
    }

    @Test
    void framesEventsAcrossAnySplitAndLineEnding() {
        String text = "event: a\r\ndata: één\r\n\r\n: comment\ndata: x\ndata: y\n\nid: 3\rdata:no-space\r\r";
        assertThat(feedBytewise(new SseFramer(1024), text)).containsExactly(
                new SseEvent("a", "één"), new SseEvent(null, "x\ny"), new SseEvent(null, "no-space"));
    }

    @Test
    void anUnterminatedLastEventIsKeptAtTheEnd() {
        SseFramer f = new SseFramer(1024);
        assertThat(f.feed(ByteBuffer.wrap("data: tail".getBytes(StandardCharsets.UTF_8)))).isEmpty();
        assertThat(f.finish()).containsExactly(new SseEvent(null, "tail"));
    }

    @Test
    void oversizedEventsAreRefusedNotBuffered() {
        SseFramer f = new SseFramer(16);
        assertThatThrownBy(() -> f.feed(ByteBuffer.wrap("data: 0123456789abcdefghij".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("over 16 bytes");
    }

    @Test
    void encodesMultiLineData() {
        assertThat(new String(new SseEvent("e", "a\nb").encode(), StandardCharsets.UTF_8)).isEqualTo("event: e\ndata: a\ndata: b\n\n");
    }
}
