package dev.fairway.usage;

import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.sse.SseEvent;
import dev.fairway.sse.SseParser;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The stream's usage path as it was before the meter and the usage-chunk filter shared one
 * framing ({@link SseFrames}): each with a parser of its own over the same raw chunks. Kept as the
 * oracle {@code SharedFramingAgreementTest} holds the shared path to; the per-event scans are the
 * byte-by-byte {@link ReferenceScans}, which the fast ones are held to elsewhere.
 */
final class TwoParserReference {
    private static final int MAX_EVENT = 16 * 1024 * 1024;

    private TwoParserReference() {}

    /** The meter's reader of a stream as it was: {@code SseUsageScanner} with its own parser. */
    static final class Scanner {
        private final Predicate<String> mayCarryUsage;
        private final UsageNumbers total = new UsageNumbers();
        private final AnswerFields answer = new AnswerFields();
        private final SseParser parser = new SseParser(MAX_EVENT, new SseParser.Handler() {
            @Override
            public void event(SseEvent e) {
                read(e.name(), e.data(), e.data().length);
            }
        });

        Scanner(Predicate<String> mayCarryUsage) {
            this.mayCarryUsage = mayCarryUsage;
        }

        void feed(ByteBuffer chunk) {
            parser.feed(chunk);
        }

        private void read(String name, byte[] data, int length) {
            if (!mayCarryUsage.test(name)
                    || !(ReferenceScans.mayHoldUsage(data, length) || ReferenceScans.mayHoldFinishReason(data, length))) {
                return;
            }
            JsonUsageScanner json = new JsonUsageScanner();
            json.feed(data, 0, length);
            json.end();
            total.putAll(json.numbers());
            answer.addAll(json.answer());
        }

        UsageNumbers numbers() {
            parser.finish();
            return total;
        }

        AnswerFields answer() {
            return answer;
        }
    }

    /** The usage-chunk filter as it was: {@code UsageChunkFilter} with its own parser. */
    static final class Filter implements ResponseFilter {
        private final SseParser parser = new SseParser(MAX_EVENT, new Events());
        private byte[] pending = new byte[256];
        private int pendingLength;
        private long pendingStart;
        private int consumed;
        private byte[] out;
        private int outLength;
        private int dropped;

        @Override
        public ByteBuffer apply(ByteBuffer chunk) {
            int n = chunk.remaining();
            if (parser.failed()) {
                byte[] rest = new byte[n];
                chunk.get(chunk.position(), rest);
                return ByteBuffer.wrap(rest);
            }
            outLength = 0;
            consumed = 0;
            if (pending.length < pendingLength + n) {
                pending = Arrays.copyOf(pending, Math.max(pendingLength + n, pending.length * 2));
            }
            chunk.get(chunk.position(), pending, pendingLength, n);
            pendingLength += n;
            out = null;
            parser.feed(chunk);
            if (parser.failed()) {
                pass(consumed, pendingLength);
                consumed = pendingLength;
            }
            System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
            pendingLength -= consumed;
            pendingStart += consumed;
            consumed = 0;
            ByteBuffer passed = outLength == 0 ? ByteBuffer.allocate(0) : ByteBuffer.wrap(out, 0, outLength);
            out = null;
            return passed;
        }

        @Override
        public ByteBuffer finish() {
            byte[] rest = Arrays.copyOf(pending, pendingLength);
            pendingStart += pendingLength;
            pendingLength = 0;
            return ByteBuffer.wrap(rest);
        }

        int dropped() {
            return dropped;
        }

        private void room() {
            if (out == null) {
                out = new byte[pendingLength];
            }
        }

        private void pass(int from, int to) {
            room();
            System.arraycopy(pending, from, out, outLength, to - from);
            outLength += to - from;
        }

        private final class Events implements SseParser.Handler {
            @Override
            public void event(SseEvent e) {
                event(e.name(), e.data(), e.data().length, e.id(), e.end());
            }

            @Override
            public void event(String name, byte[] data, int length, String id, long end) {
                int to = (int) (end - pendingStart);
                if (ReferenceScans.isUsageOnly(data, length)) {
                    dropped++;
                } else {
                    room();
                    outLength = ReferenceScans.strip(pending, consumed, to, out, outLength);
                }
                consumed = to;
            }

            @Override
            public void blank(long end) {
                int to = (int) (end - pendingStart);
                pass(consumed, to);
                consumed = to;
            }
        }
    }
}
