package dev.fairway.usage;

import java.nio.ByteBuffer;
import java.util.function.Predicate;

/**
 * Reads usage from a server-sent event stream fed in pieces split anywhere (mid-line, mid-event,
 * mid-UTF-8), through the stream's one {@link SseFrames} (shared with the usage-chunk filter when
 * there is one, so each event is framed once). The data of an event that may carry usage goes to
 * a {@link JsonUsageScanner}; events whose name says they cannot (Anthropic's text deltas), and
 * events whose text can hold neither a usage object ({@link JsonUsageScanner#mayHoldUsage}: OpenAI's
 * {@code "usage":null} chunks) nor a finish reason ({@link JsonUsageScanner#mayHoldFinishReason}), are
 * passed over without being parsed; the answering model is read from the events that are parsed
 * (every provider names it in its usage or last event). Events are read where the
 * parser holds them, never copied.
 */
final class SseUsageScanner {
    private final Predicate<String> mayCarryUsage;
    private final UsageNumbers total = new UsageNumbers();
    private final AnswerFields answer = new AnswerFields();
    private final SseFrames frames;
    /** Bytes of the stream this scanner got so far. */
    private long taken;
    /** Whether the previous event was read and held neither a usage object nor a finish reason. */
    private boolean previousWithoutNames;

    /** @param mayCarryUsage given the event's name (null when it has none), whether to read its data */
    SseUsageScanner(Predicate<String> mayCarryUsage) {
        this(mayCarryUsage, new SseFrames(false));
    }

    /** A scanner reading the events {@code frames} frames (a usage-chunk filter's: the filter and the meter share one parser). */
    SseUsageScanner(Predicate<String> mayCarryUsage, SseFrames frames) {
        this.mayCarryUsage = mayCarryUsage;
        this.frames = frames;
        frames.readWith(this::read);
    }

    void feed(ByteBuffer chunk) {
        frames.take(chunk, taken);
        taken += chunk.remaining();
    }

    private void read(String name, byte[] data, int length) {
        if (!mayCarryUsage.test(name)) {
            previousWithoutNames = false;
            return;
        }
        // Where the event is the previous one's bytes again, and that one held no name, neither does this one.
        boolean names = previousWithoutNames ? JsonUsageScanner.mayHoldUsageOrFinishReason(data, length, frames.changedFrom(), frames.changedTo())
                : JsonUsageScanner.mayHoldUsageOrFinishReason(data, length);
        previousWithoutNames = !names;
        if (!names) {
            return;
        }
        JsonUsageScanner json = JsonUsageScanner.whole(data, 0, length);
        total.putAll(json.numbers());
        answer.addAll(json.answer());
    }

    /** Usage reported by the stream, an unterminated last event included: call once the stream has ended. */
    UsageNumbers numbers() {
        frames.finish();
        return total;
    }

    /** The answering model and finish reasons the stream reported: call once the stream has ended, after {@link #numbers()}. */
    AnswerFields answer() {
        return answer;
    }

    /** Why the stream stopped being read (an event over the bound), or null: usage read before it still counts. */
    String failure() {
        return frames.failure();
    }
}
