package dev.fairway.usage;

import static java.util.Objects.requireNonNull;

import dev.fairway.bytes.ByteSearch;
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
 * <p>A stream's events are much alike (OpenAI repeats the id, model and fingerprint, and all but a
 * few bytes of the rest, in every chunk), so the frames also say where an event differs from the
 * one before it ({@link #changedFrom}, {@link #changedTo}): a scan whose answer at a place depends
 * only on the bytes from there on (a name, JSON whitespace and colons, one byte) need not try the
 * places outside that range again when the previous event's answer was no everywhere.
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
    /**
     * How far before the first changed byte a place's answer may depend on what follows it (past the
     * JSON whitespace and colons just before it): longer than every name a scan looks for, quoted.
     */
    static final int WINDOW = 40;
    /** The longest event remembered to compare the next with; a longer one is scanned whole. */
    private static final int MAX_REMEMBERED = 8 * 1024;

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
    /** The previous event's data, or a negative length when there is none to compare with. */
    private byte[] previous = new byte[0];
    private int previousLength = -1;
    private int changedFrom;
    private int changedTo;
    /** Whether the previous event was cut and had no empty array anywhere ({@link UsageChunkFilter#hasEmptyArray}). */
    private boolean previousWithoutArray;

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

    /**
     * During a reader's call: places before this one in the event's data have what follows them up
     * to {@link #WINDOW} bytes, then a run of JSON whitespace and colons, then one byte, as the same
     * place of the previous event had (the two agree on all those bytes). Zero when there was no
     * previous event to compare with.
     */
    int changedFrom() {
        return changedFrom;
    }

    /**
     * During a reader's call: places from this one on in the event's data are followed by the same
     * bytes to its end as the place as far from the previous event's end (the two end alike).
     * The data's length when there was no previous event to compare with; may be below {@link #changedFrom}.
     */
    int changedTo() {
        return changedTo;
    }

    private void compare(byte[] data, int length) {
        long range = previousLength < 0 ? length : changed(previous, previousLength, data, length);
        changedFrom = (int) (range >>> 32);
        changedTo = (int) range;
    }

    /** {@link #changedFrom} and {@link #changedTo} of {@code data[0, length)} after {@code previous[0, previousLength)}, as (from << 32 | to). */
    static long changed(byte[] previous, int previousLength, byte[] data, int length) {
        int same = Arrays.mismatch(previous, 0, previousLength, data, 0, length);
        int p = (same < 0 ? length : same) - 1;
        while (p >= 0 && (data[p] == ' ' || data[p] == '\t' || data[p] == '\n' || data[p] == '\r' || data[p] == ':')) {
            p--;
        }
        long from = Math.max(0, p - WINDOW);
        return from << 32 | (length - ByteSearch.commonSuffix(previous, 0, previousLength, data, 0, length));
    }

    private void remember(byte[] data, int length) {
        if (length > MAX_REMEMBERED) {
            previousLength = -1;
            return;
        }
        if (previous.length < length) {
            previous = new byte[Math.max(length, previous.length * 2)];
        }
        System.arraycopy(data, 0, previous, 0, length);
        previousLength = length;
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
            compare(data, length);
            if (reader != null) {
                reader.read(name, data, length);
            }
            boolean withoutArray = false;
            if (cutting && !ended) {
                boolean array = previousWithoutArray ? UsageChunkFilter.hasEmptyArray(data, changedFrom, changedTo, length)
                        : UsageChunkFilter.hasEmptyArray(data, 0, length, length);
                withoutArray = !array;
                cut(end, array && UsageChunkFilter.isUsageOnlyWithEmptyArray(data, length) ? DROP : KEEP);
            }
            previousWithoutArray = withoutArray;
            remember(data, length);
        }

        @Override
        public void blank(long end) {
            if (cutting && !ended) {
                cut(end, BLANK);
            }
        }
    }
}
