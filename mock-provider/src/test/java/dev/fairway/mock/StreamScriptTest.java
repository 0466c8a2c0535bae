package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamScriptTest {

    static final List<Frame> FRAMES = List.of(
            Frame.text("open", false), Frame.text("c1", true), Frame.text("c2", true),
            Frame.text("c3", true), Frame.text("stop", false), Frame.text("done", false));

    static List<String> texts(StreamScript script) {
        return script.frames().stream().map(Frame::asText).toList();
    }

    static Frame error(int contentSent) {
        return Frame.text("error after " + contentSent, false);
    }

    @Test
    void noFaultSendsEverythingCleanly() {
        StreamScript script = StreamScript.of(FRAMES, null, StreamScriptTest::error);

        assertThat(texts(script)).containsExactly("open", "c1", "c2", "c3", "stop", "done");
        assertThat(script.abrupt()).isFalse();
    }

    @Test
    void cutKeepsOpeningFramesAndNContentFrames() {
        assertThat(texts(StreamScript.of(FRAMES, Fault.builder().cutAfter(2).build(), StreamScriptTest::error)))
                .containsExactly("open", "c1", "c2");
        assertThat(texts(StreamScript.of(FRAMES, Fault.builder().cutAfter(0).build(), StreamScriptTest::error)))
                .containsExactly("open");
        StreamScript beyond = StreamScript.of(FRAMES, Fault.builder().cutAfter(9).build(), StreamScriptTest::error);
        assertThat(texts(beyond)).containsExactly("open", "c1", "c2", "c3");
        assertThat(beyond.abrupt()).isTrue();
    }

    @Test
    void errorEventReplacesTheCleanEnd() {
        StreamScript script = StreamScript.of(FRAMES, Fault.builder().errorEvent().build(), StreamScriptTest::error);

        assertThat(texts(script)).containsExactly("open", "c1", "c2", "c3", "error after 3");
        assertThat(script.abrupt()).isFalse();
    }

    @Test
    void errorEventAfterACut() {
        StreamScript script = StreamScript.of(FRAMES, Fault.builder().cutAfter(1).errorEvent().build(), StreamScriptTest::error);

        assertThat(texts(script)).containsExactly("open", "c1", "error after 1");
        assertThat(script.abrupt()).isTrue();
    }

    @Test
    void faultsThatDoNotShapeStreamsLeaveThemAlone() {
        StreamScript script = StreamScript.of(FRAMES, Fault.builder().chunkDelay(java.time.Duration.ofMillis(1)).build(),
                StreamScriptTest::error);

        assertThat(script.frames()).hasSize(FRAMES.size());
    }
}
