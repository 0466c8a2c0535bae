package dev.fairway.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.error.CloudflareCode;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.provider.ProviderRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/** A checked stream is held back by no more than the longest match can span, whatever its framing. */
class ResponseGuardTest {
    private static final int PHONE_SPAN = BuiltInDetector.PHONE.maxSpan();

    private final GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("""
            routes: [{name: r, guardrails: {detectors: [{detector: phone, action: block, check: [response]}]}}]
            """);
    private final Gateway gateway = new Gateway(config, ProviderRegistry.builtIn(), List.of(new GuardrailStage()));

    private ResponseFilter filter(String contentType) {
        Decision d = gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", Headers.of("content-type", "application/json"),
                "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8))).join();
        Exchange exchange = ((Decision.Forward) d).exchange();
        assertThat(exchange.responseFilter(500, contentType)).as("error answers are not checked").isNull();
        return exchange.responseFilter(200, contentType);
    }

    private static byte[] sse(String content) {
        return ("data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"delta\":{\"content\":\"" + content + "\"}}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static int released(ResponseFilter f, byte[] chunk) {
        return f.apply(ByteBuffer.wrap(chunk)).remaining();
    }

    @Test
    void anSseStreamIsHeldBackByAtMostOneMatchSpan() {
        ResponseFilter f = filter("text/event-stream");
        int sent = 0;
        int released = 0;
        for (int i = 0; i < 200; i++) {
            byte[] event = sse("abcdefghij");
            sent += event.length;
            released += released(f, event);
            // Ten characters per event: what is held never covers more text than one phone number can span.
            int heldEvents = (sent - released) / event.length;
            assertThat(heldEvents * 10).isLessThanOrEqualTo(PHONE_SPAN + 10);
        }
        byte[] done = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        released += released(f, done) + f.finish().remaining();
        assertThat(released).isEqualTo(sent + done.length);
    }

    @Test
    void aMatchSplitAcrossEventsIsFoundBeforeAnyOfItIsReleased() {
        ResponseFilter f = filter("text/event-stream");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] pieces = {"The number is a long story, told slowly: ", "and it goes on for quite a while ", "+41 4", "4 668", " 18 0", "0 and more"};
        assertThatThrownBy(() -> {
            for (String p : pieces) {
                out.writeBytes(f.apply(ByteBuffer.wrap(sse(p))).array());
            }
        }).isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.cloudflareCode()).isEqualTo(CloudflareCode.RESPONSE_BLOCKED_BY_DLP));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("long story").doesNotContain("+41");
    }

    @Test
    void bedrockEventStreamsAreCheckedMessageByMessage() {
        ResponseFilter f = filter("application/vnd.amazon.eventstream");
        String invokeEvent = "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"%s\"}}";
        int released = 0;
        int sent = 0;
        for (int i = 0; i < 50; i++) {
            byte[] m = message("{\"bytes\":\"" + Base64.getEncoder().encodeToString(invokeEvent.formatted("0123456789").getBytes(StandardCharsets.UTF_8)) + "\"}");
            sent += m.length;
            released += released(f, m);
        }
        assertThat(sent - released).isLessThan(sent / 10);
        byte[] phone = message("{\"contentBlockIndex\":0,\"delta\":{\"text\":\" call +41 44 668 18 00\"}}");
        assertThatThrownBy(() -> f.apply(ByteBuffer.wrap(phone))).isInstanceOf(GatewayError.class);
    }

    @Test
    void aWholeAnswerIsCheckedWholeAtTheEnd() {
        ResponseFilter f = filter("application/json");
        byte[] body = "{\"choices\":[{\"message\":{\"content\":\"call +41 44 668 18 00\"}}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(released(f, java.util.Arrays.copyOf(body, 20))).isZero();
        assertThat(released(f, java.util.Arrays.copyOfRange(body, 20, body.length))).isZero();
        assertThatThrownBy(f::finish).isInstanceOf(GatewayError.class).hasMessage("response: refused by guardrail phone");
    }

    @Test
    void aStreamWithCrLineEndsIsChecked() {
        // The standard allows CR alone as a line end. On main such a stream was never cut into events,
        // so nothing was checked and finish() released all of it, phone number included.
        ResponseFilter f = filter("text/event-stream");
        String stream = new String(sse("call +41 44 668 18 00 now"), StandardCharsets.UTF_8).replace('\n', '\r');
        assertThatThrownBy(() -> {
            f.apply(ByteBuffer.wrap(stream.getBytes(StandardCharsets.UTF_8)));
            f.finish();
        }).isInstanceOf(GatewayError.class).hasMessage("response: refused by guardrail phone");
    }

    @Test
    void aLastEventWithoutItsBlankLineIsChecked() {
        // On main the tail of a stream that closed without a blank line reached the client unchecked.
        ResponseFilter f = filter("text/event-stream");
        byte[] event = sse("call +41 44 668 18 00 now");
        f.apply(ByteBuffer.wrap(event, 0, event.length - 2));
        assertThatThrownBy(f::finish).isInstanceOf(GatewayError.class).hasMessage("response: refused by guardrail phone");
    }

    @Test
    void multiLineDataIsCheckedAsOneText() {
        ResponseFilter f = filter("text/event-stream");
        byte[] event = "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"call +41 44 668 18 00\"}}]}\n\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> f.apply(ByteBuffer.wrap(event))).isInstanceOf(GatewayError.class);
    }

    private static byte[] message(String payload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString("chunk"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        return new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).toByteBuffer().array();
    }
}
