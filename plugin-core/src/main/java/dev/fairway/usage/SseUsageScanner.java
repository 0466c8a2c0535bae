package dev.fairway.usage;

import dev.fairway.sse.SseEvent;
import dev.fairway.sse.SseParser;
import java.nio.ByteBuffer;
import java.util.function.Predicate;

/**
 * Reads usage from a server-sent event stream fed in pieces split anywhere (mid-line, mid-event,
 * mid-UTF-8), through the one {@link SseParser}. The data of an event that may carry usage goes to
 * a {@link JsonUsageScanner}; events whose name says they cannot (Anthropic's text deltas), and
 * events whose text can hold neither a usage object ({@link JsonUsageScanner#mayHoldUsage}: OpenAI's
 * {@code "usage":null} chunks) nor a finish reason ({@link JsonUsageScanner#mayHoldFinishReason}), are
 * passed over without being parsed; the answering model is read from the events that are parsed
 * (every provider names it in its usage or last event). Events are read where the
 * parser holds them, never copied.
 */
final class SseUsageScanner {
    /** The largest event read; the same bound the response guardrail holds an event to. */
    private static final int MAX_EVENT = 16 * 1024 * 1024;

    private final Predicate<String> mayCarryUsage;
    private final UsageNumbers total = new UsageNumbers();
    private final AnswerFields answer = new AnswerFields();
    private final SseParser parser = new SseParser(MAX_EVENT, new Events());

    /** @param mayCarryUsage given the event's name (null when it has none), whether to read its data */
    SseUsageScanner(Predicate<String> mayCarryUsage) {
        this.mayCarryUsage = mayCarryUsage;
    }

    void feed(ByteBuffer chunk) {
        parser.feed(chunk);
    }

    private void read(String name, byte[] data, int length) {
        if (!mayCarryUsage.test(name) || !JsonUsageScanner.mayHoldUsageOrFinishReason(data, length)) {
            return;
        }
        JsonUsageScanner json = new JsonUsageScanner();
        json.feed(data, 0, length);
        json.end();
        total.putAll(json.numbers());
        answer.addAll(json.answer());
    }

    private final class Events implements SseParser.Handler {
        @Override
        public void event(SseEvent e) {
            read(e.name(), e.data(), e.data().length);
        }

        @Override
        public void event(String name, byte[] data, int length, String id, long end) {
            read(name, data, length);
        }
    }

    /** Usage reported by the stream, an unterminated last event included: call once the stream has ended. */
    UsageNumbers numbers() {
        parser.finish();
        return total;
    }

    /** The answering model and finish reasons the stream reported: call once the stream has ended, after {@link #numbers()}. */
    AnswerFields answer() {
        return answer;
    }

    /** Why the stream stopped being read (an event over the bound), or null: usage read before it still counts. */
    String failure() {
        return parser.failure();
    }
}
