package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyCheckTest {
    private static BodyCheck check(String contentType, String body) {
        return BodyCheck.of(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonAnswersAreStorableUnlessTheyCarryAnError() {
        assertThat(check("application/json", "{\"id\":\"x\",\"error\":null}").storable()).isTrue();
        assertThat(check("application/json", "[1,2]").storable()).isTrue();
        assertThat(check("application/json", "{\"error\":{\"message\":\"x\"}}").reason()).contains("error object");
        assertThat(check("application/json; charset=utf-8", "{\"type\":\"error\",\"error\":{}}").storable()).isFalse();
        assertThat(check("application/json", "{\"id\":\"x\",").storable()).isFalse();
    }

    @Test
    void otherBodiesAreStoredAsTheyAre() {
        assertThat(check("image/png", "\u0089PNG").storable()).isTrue();
        assertThat(check(null, "plain").storable()).isTrue();
    }

    @Test
    void streamsMustEndOnAnEventBoundaryWithoutAnErrorEvent() {
        assertThat(check("text/event-stream", "data: {\"a\":1}\n\ndata: [DONE]\n\n").storable()).isTrue();
        assertThat(check("text/event-stream", "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n").storable()).isTrue();
        assertThat(check("text/event-stream", "data: {\"a\":1}\n\ndata: {\"a\"").reason()).contains("inside an event");
        assertThat(check("text/event-stream", "data: {\"a\":1}\n").storable()).isFalse();
        assertThat(check("text/event-stream", "").storable()).isFalse();
        assertThat(check("text/event-stream", "event: message_stop\n").storable()).isFalse();
        assertThat(check("text/event-stream", "event: error\ndata: {\"m\":1}\n\n").reason()).contains("error event");
        assertThat(check("text/event-stream", "data: {\"error\":{\"m\":1}}\n\n").reason()).contains("error data");
        assertThat(check("text/event-stream", "event: ping\ndata: {\"type\":\"error\",\"error\":{}}\n\n").storable()).isFalse();
    }

    @Test
    void errorDataAfterMoreThanOneSpaceIsStillRefused() {
        // On main only one space after "data:" was skipped, so this error was stored and replayed as an answer.
        assertThat(check("text/event-stream", "data:  {\"error\":{\"message\":\"overloaded\"}}\n\n").reason()).contains("error data");
    }

    @Test
    void dataOverSeveralLinesIsReadAsOneDocument() {
        // The standard joins data lines with LF; an error object written over two lines is one error.
        assertThat(check("text/event-stream", "data: {\"type\":\ndata: \"error\"}\n\n").reason()).contains("error data");
        assertThat(check("text/event-stream", "data: {\"a\":\ndata: 1}\n\ndata: [DONE]\n\n").storable()).isTrue();
        assertThat(check("text/event-stream", "\uFEFFdata: {\"a\":\"\u0800\uFFFF\uD83D\uDE00\"}\r\rdata: [DONE]\r\r").storable()).isTrue();
    }
}
