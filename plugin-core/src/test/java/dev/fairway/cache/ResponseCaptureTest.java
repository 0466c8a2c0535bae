package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.http.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseCaptureTest {
    private final List<String> outcomes = new ArrayList<>();
    private final ResponseCapture.Sink sink = new ResponseCapture.Sink() {
        @Override
        public void complete(int status, List<String> headers, String contentType, byte[] body) {
            outcomes.add(status + " " + contentType + " " + headers + " " + new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public void refused(String reason) {
            outcomes.add("refused: " + reason);
        }
    };

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void handsOverTheWholeBodyOnceItEndsCleanly() {
        ResponseCapture c = new ResponseCapture(100, sink);
        c.onHeaders(200, Headers.of("Content-Type", "application/json", "x-request-id", "r"));
        c.onChunk(bytes("{\"a\":"));
        c.onChunk(bytes("1}"));
        c.onEnd(true);
        c.onEnd(true);

        assertThat(outcomes).containsExactly("200 application/json [content-type, application/json] {\"a\":1}");
    }

    @Test
    void refusesWhatCannotBeStored() {
        ResponseCapture declaredTooLarge = new ResponseCapture(10, sink);
        declaredTooLarge.onHeaders(200, Headers.of("content-length", "11"));
        declaredTooLarge.onEnd(true);

        ResponseCapture grewTooLarge = new ResponseCapture(10, sink);
        grewTooLarge.onHeaders(200, Headers.of());
        grewTooLarge.onChunk(bytes("123456"));
        grewTooLarge.onChunk(bytes("78901"));
        grewTooLarge.onEnd(true);

        ResponseCapture failed = new ResponseCapture(10, sink);
        failed.onHeaders(502, Headers.of());
        failed.onEnd(true);

        ResponseCapture cut = new ResponseCapture(10, sink);
        cut.onHeaders(200, Headers.of());
        cut.onChunk(bytes("12"));
        cut.onEnd(false);

        ResponseCapture headless = new ResponseCapture(10, sink);
        headless.onEnd(false);

        assertThat(outcomes).containsExactly(
                "refused: larger than max_entry_bytes",
                "refused: larger than max_entry_bytes",
                "refused: status 502",
                "refused: response cut before its end",
                "refused: response cut before its end");
    }

    @Test
    void aBodyOfExactlyTheLimitIsKept() {
        ResponseCapture c = new ResponseCapture(4, sink);
        c.onHeaders(201, Headers.of("content-length", "4"));
        c.onChunk(bytes("ab"));
        c.onChunk(bytes("cd"));
        c.onEnd(true);

        assertThat(outcomes).containsExactly("201 null [] abcd");
    }
}
