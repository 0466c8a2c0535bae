package dev.fairway.guardrail;

import dev.fairway.error.CloudflareCode;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.sse.EventStreamDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an answer with the route's response rules on its way to the client. A stream (SSE or
 * Bedrock's binary event stream) is cut into events; the text they carry is scanned as one running
 * text, and an event is released only once every match its text could be part of has been seen, so
 * at most the longest match any rule can span is held back. A non-streamed answer is held and checked
 * whole, so that a block is a clean error with its own status. A block ends a stream with an error
 * event (what the SDKs raise on), or answers the held body's error; flags go into {@code cf-aig-dlp}
 * while the head is unsent, into the gateway's log after.
 */
final class ResponseGuard implements ResponseFilter {
    private static final Pattern LINE_END = Pattern.compile("\r?\n");
    private static final Logger LOG = LoggerFactory.getLogger(ResponseGuard.class);
    /** The largest non-streamed answer held for checking; the largest single stream event. */
    static final int MAX_HELD = 16 * 1024 * 1024;

    private enum Framing { SSE, EVENT_STREAM, WHOLE }

    /** One complete event: where its bytes end in {@link #held} and where its text ends in the running text. */
    private record Unit(int byteEnd, long textEnd) {}

    private final Exchange exchange;
    private final Findings requestFindings;
    private final List<Rule> rules;
    private final Framing framing;
    private final boolean json;
    private final int holdChars;
    private final Findings found = new Findings(new ArrayList<>(2), Findings.RESPONSE);
    private final EventStreamDecoder decoder;
    private final ArrayDeque<Unit> units = new ArrayDeque<>();
    private final StringBuilder window = new StringBuilder();
    private byte[] held = new byte[1024];
    private int heldLength;
    private int unitStart;
    private int searched;
    private long textLength;
    private boolean headSent;

    ResponseGuard(Exchange exchange, Findings requestFindings, List<Rule> rules, String contentType) {
        this.exchange = exchange;
        this.requestFindings = requestFindings;
        this.rules = rules;
        this.holdChars = rules.stream().mapToInt(Rule::maxSpan).max().orElse(1) - 1;
        this.framing = contentType.startsWith("text/event-stream") ? Framing.SSE
                : contentType.startsWith("application/vnd.amazon.eventstream") ? Framing.EVENT_STREAM : Framing.WHOLE;
        this.decoder = framing == Framing.EVENT_STREAM ? new EventStreamDecoder() : null;
        this.json = contentType.contains("json");
    }

    @Override
    public ByteBuffer apply(ByteBuffer chunk) {
        int before = heldLength;
        hold(chunk);
        if (framing == Framing.WHOLE) {
            return ByteBuffer.allocate(0);
        }
        if (framing == Framing.SSE) {
            sseEvents();
        } else {
            for (EventStreamDecoder.Message m : decoder.feed(ByteBuffer.wrap(held, before, heldLength - before))) {
                StringBuilder text = new StringBuilder();
                if (!"exception".equals(m.header(":message-type"))) {
                    AnswerText.append(m.payload(), text);
                }
                unit(unitStart + m.length(), text);
            }
            if (decoder.failed()) {
                // Text that cannot be framed cannot be checked, and must not pass unchecked.
                throw GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the answer could not be checked by the route's guardrails: %s",
                        decoder.failure());
            }
        }
        return release(false);
    }

    @Override
    public ByteBuffer finish() {
        if (framing == Framing.WHOLE) {
            byte[] body = java.util.Arrays.copyOf(held, heldLength);
            BodyText.visit(body, json, text -> found.check(text, rules));
            recordFindings();
            if (found.firstBlocking() != null) {
                throw refusal(found.firstBlocking());
            }
        }
        return release(true);
    }

    @Override
    public void beforeHead(BiConsumer<String, String> setHeader) {
        headSent = true;
        String dlp = exchange.responseHeaders().get(GuardrailStage.DLP_HEADER);
        if (dlp != null) {
            setHeader.accept(GuardrailStage.DLP_HEADER, dlp);
        }
    }

    private void hold(ByteBuffer chunk) {
        int n = chunk.remaining();
        if (heldLength + n > MAX_HELD) {
            throw GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the answer could not be checked by the route's guardrails: "
                    + "%s over %d bytes", framing == Framing.WHOLE ? "it is" : "one event is", MAX_HELD);
        }
        if (held.length < heldLength + n) {
            held = java.util.Arrays.copyOf(held, Math.max(heldLength + n, Math.min(MAX_HELD, held.length * 2)));
        }
        chunk.duplicate().get(held, heldLength, n);
        heldLength += n;
    }

    /** Every complete SSE event (ended by a blank line) in what is held. */
    private void sseEvents() {
        for (int i = Math.max(searched, unitStart); i < heldLength; i++) {
            if (held[i] == '\n' && i > unitStart && (held[i - 1] == '\n' || (i - 3 >= unitStart && held[i - 1] == '\r' && held[i - 2] == '\n'))) {
                unit(i + 1, sseText(unitStart, i + 1));
            }
        }
        searched = heldLength;
    }

    private StringBuilder sseText(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (String line : LINE_END.split(new String(held, from, to - from, StandardCharsets.UTF_8))) {
            if (line.startsWith("data:")) {
                String data = line.substring(line.startsWith("data: ") ? 6 : 5);
                if (!data.equals("[DONE]")) {
                    AnswerText.append(data.getBytes(StandardCharsets.UTF_8), text);
                }
            }
        }
        return text;
    }

    /** A complete event ends at {@code byteEnd} carrying {@code text}: check the running text it extends. */
    private void unit(int byteEnd, StringBuilder text) {
        unitStart = byteEnd;
        if (!text.isEmpty()) {
            textLength += text.length();
            window.append(text);
            int fired = found.names().size();
            found.check(window, rules);
            if (found.names().size() > fired) {
                recordFindings();
            }
            Rule blocking = found.firstBlocking();
            if (blocking != null) {
                throw refusal(blocking);
            }
            if (window.length() > holdChars) {
                window.delete(0, window.length() - holdChars);
            }
        }
        units.add(new Unit(byteEnd, textLength));
    }

    /** The bytes of the events no future text can change the verdict on; everything at the end. */
    private ByteBuffer release(boolean end) {
        int n = end ? heldLength : 0;
        while (!end && !units.isEmpty() && textLength - units.peek().textEnd() >= holdChars) {
            n = units.poll().byteEnd();
        }
        if (end) {
            units.clear();
        }
        if (n == 0) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer out = ByteBuffer.wrap(java.util.Arrays.copyOf(held, n));
        System.arraycopy(held, n, held, 0, heldLength - n);
        heldLength -= n;
        unitStart -= n;
        searched = Math.max(0, searched - n);
        for (int i = 0, size = units.size(); i < size; i++) {
            Unit u = units.poll();
            units.add(new Unit(u.byteEnd() - n, u.textEnd()));
        }
        return out;
    }

    private void recordFindings() {
        if (found.isEmpty()) {
            return;
        }
        exchange.responseHeaders().set(GuardrailStage.DLP_HEADER, Findings.header(List.of(requestFindings, found)));
        if (headSent) {
            LOG.info("request {} on route {}: guardrails {} found in the answer", exchange.logId(), exchange.route().name(), found.names());
        }
    }

    private static GatewayError refusal(Rule rule) {
        return GatewayError.of(ErrorType.INVALID_REQUEST, "response: refused by guardrail %s", rule.name())
                .with("detector", rule.name()).as(CloudflareCode.RESPONSE_BLOCKED_BY_DLP);
    }
}
