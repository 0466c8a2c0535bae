package dev.fairway.usage;

import static java.util.Objects.requireNonNull;

import dev.fairway.sse.SseEvent;
import dev.fairway.sse.SseParser;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The one {@link SseParser} of a stream read for usage: it frames each event once for both of the
 * stream's readers, the usage meter ({@link SseUsageScanner}, which reads the event's usage) and,
 * when the gateway asked for usage the client did not, the usage-chunk filter
 * ({@link UsageChunkFilter}, which cuts the raw bytes at the event's end). Both get every raw chunk
 * of the stream, in order, one after the other ({@code dispatch.Relay} and {@code dispatch.HostRelay}
 * give it to the meter, then to the filter): whoever gets a chunk first feeds it, and the other
 * finds its events framed. The parser reads events where it holds them, so the filter's decision on
 * an event (drop it as the usage-only chunk, or pass it on without its {@code "usage":null}) is
 * taken while its data is there, and kept as a cut: the stream offset where the event ends and what
 * to do with its bytes. Only the cuts of the chunk fed last are kept; the filter takes them before
 * the next chunk is fed, so a filter that is never applied (a translated answer) costs no memory.
 *
 * <p>Not thread-safe: one stream's chunks come one at a time.
 */
final class SseFrames {
    /** The largest event read: the bound every reader of a provider's stream holds an event to. */
    static final int MAX_EVENT = 16 * 1024 * 1024;
    /** Cut kinds, in the low two bits of a cut (the event's end offset is above them). */
    static final int KEEP = 0;
    static final int DROP = 1;
    static final int BLANK = 2;

    /** What the meter does with each event: read {@code data[0, length)}, valid only during the call. */
    interface Reader {
        void read(String name, byte[] data, int length);
    }

    private final SseParser parser = new SseParser(MAX_EVENT, new Events());
    private final boolean cutting;
    private Reader reader;
    /** Bytes fed to the parser so far (it stops counting at a failure; this does not). */
    private long fed;
    private long[] cuts = new long[8];
    private int cutCount;
    private boolean ended;

    /** @param cutting whether to record cuts: a usage-chunk filter takes them */
    SseFrames(boolean cutting) {
        this.cutting = cutting;
    }

    /** The meter that reads this stream's events; one per stream. */
    void readWith(Reader reader) {
        requireNonNull(reader, "reader");
        if (this.reader != null) {
            throw new IllegalStateException("the stream's events already have a reader");
        }
        this.reader = reader;
    }

    /**
     * The next chunk of the stream, after the {@code taken} bytes its caller got before it: framed
     * now unless the other reader got it first. Its position is left as it was.
     *
     * @throws IllegalStateException when the readers got different chunks (a relay that skipped one)
     */
    void take(ByteBuffer chunk, long taken) {
        int n = chunk.remaining();
        if (fed == taken) {
            cutCount = 0;
            fed += n;
            parser.feed(chunk);
        } else if (fed != taken + n) {
            throw new IllegalStateException(String.format("a chunk of %d bytes after %d: the stream's other reader is at %d", n, taken, fed));
        }
    }

    /** The stream has ended: a last event without its blank line is read too (it is never cut: the filter passes its tail as it is). */
    void finish() {
        ended = true;
        parser.finish();
    }

    /** Why the stream stopped being read (an event over the bound), or null. */
    String failure() {
        return parser.failure();
    }

    boolean failed() {
        return parser.failed();
    }

    /** How many cuts the chunk fed last made. */
    int cuts() {
        return cutCount;
    }

    /** The {@code i}-th cut of the chunk fed last: the offset where its bytes end, shifted left by two, over its kind. */
    long cut(int i) {
        return cuts[i];
    }

    private void cut(long end, int kind) {
        if (cutCount == cuts.length) {
            cuts = Arrays.copyOf(cuts, cutCount * 2);
        }
        cuts[cutCount++] = end << 2 | kind;
    }

    private final class Events implements SseParser.Handler {
        @Override
        public void event(SseEvent e) {
            event(e.name(), e.data(), e.data().length, e.id(), e.end());
        }

        @Override
        public void event(String name, byte[] data, int length, String id, long end) {
            if (reader != null) {
                reader.read(name, data, length);
            }
            if (cutting && !ended) {
                cut(end, UsageChunkFilter.isUsageOnly(data, length) ? DROP : KEEP);
            }
        }

        @Override
        public void blank(long end) {
            if (cutting) {
                cut(end, BLANK);
            }
        }
    }
}
