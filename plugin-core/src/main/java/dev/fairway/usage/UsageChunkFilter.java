package dev.fairway.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fairway.bytes.ByteSearch;
import dev.fairway.pipeline.ResponseFilter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Removes the usage-only chunk ({@code "choices": []} with {@code usage}) from an OpenAI-style
 * stream whose client did not ask for it, and the {@code "usage": null} member asking added to
 * every other chunk ({@link NullUsage}). The stream's {@link SseFrames} says where each event's
 * bytes end and whether it is the usage-only chunk; the meter reading the same stream shares them
 * ({@link #frames()}), so each event is framed once. Complete events pass on at once, and only the
 * unfinished tail of the current event is held.
 *
 * <p>Per chunk, the bytes passed on are written once, into one array handed over with them; the
 * JSON parser runs only for an event that can be the usage-only chunk ({@link #isUsageOnly}).
 */
final class UsageChunkFilter implements ResponseFilter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SseFrames frames = new SseFrames(true);
    /** The {@code "usage":null} removal, walking each line only where it differs from the one before. */
    private final NullUsage.Lines lines = new NullUsage.Lines();
    /** The raw bytes not passed on yet; they start at stream offset {@link #pendingStart}. */
    private byte[] pending = new byte[256];
    private int pendingLength;
    private long pendingStart;
    /** How many of the pending bytes this chunk's events have passed on or dropped so far. */
    private int consumed;
    /** What this chunk passes on: never longer than what is pending, so sized to it once per chunk. */
    private byte[] out;
    private int outLength;
    private int dropped;
    /** Past an event too large to read, the rest is passed on as it is. */
    private boolean unframed;

    @Override
    public ByteBuffer apply(ByteBuffer chunk) {
        int n = chunk.remaining();
        if (unframed) {
            byte[] rest = new byte[n];
            chunk.get(chunk.position(), rest);
            return ByteBuffer.wrap(rest);
        }
        outLength = 0;
        consumed = 0;
        grow(n);
        chunk.get(chunk.position(), pending, pendingLength, n);
        long taken = pendingStart + pendingLength;
        pendingLength += n;
        out = null;
        frames.take(chunk, taken);
        for (int i = 0, cuts = frames.cuts(); i < cuts; i++) {
            long cut = frames.cut(i);
            cut((int) ((cut >>> 2) - pendingStart), (int) cut & 3);
        }
        if (frames.failed()) {
            // Nothing is pending from here on.
            unframed = true;
            pass(consumed, pendingLength);
            consumed = pendingLength;
        }
        return passOn();
    }

    @Override
    public ByteBuffer finish() {
        byte[] rest = Arrays.copyOf(pending, pendingLength);
        pendingStart += pendingLength;
        pendingLength = 0;
        return ByteBuffer.wrap(rest);
    }

    /** The stream's framing, for the meter that reads the same stream ({@link SseUsageScanner}). */
    SseFrames frames() {
        return frames;
    }

    /** How many chunks were dropped. */
    int dropped() {
        return dropped;
    }

    /** Room in the pending buffer for {@code n} more bytes. */
    private void grow(int n) {
        if (pending.length < pendingLength + n) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + n, pending.length * 2));
        }
    }

    /** The output array, made on the first byte passed on: as long as everything pending, which it never exceeds. */
    private void room() {
        if (out == null) {
            out = new byte[pendingLength];
        }
    }

    /** Pending bytes {@code [from, to)} pass on as they are. */
    private void pass(int from, int to) {
        room();
        System.arraycopy(pending, from, out, outLength, to - from);
        outLength += to - from;
    }

    /**
     * This chunk's output, handed over (its array may be longer than what it holds: only its
     * remaining bytes count); the consumed bytes are no longer pending.
     */
    private ByteBuffer passOn() {
        System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
        pendingLength -= consumed;
        pendingStart += consumed;
        consumed = 0;
        ByteBuffer passed = outLength == 0 ? EMPTY.duplicate() : ByteBuffer.wrap(out, 0, outLength);
        out = null;
        return passed;
    }

    /** The pending bytes up to {@code to} (past the last cut), an event or a blank line's lines, as the cut's kind says. */
    private void cut(int to, int kind) {
        if (kind == SseFrames.DROP) {
            dropped++;
        } else if (kind == SseFrames.KEEP) {
            room();
            outLength = lines.strip(pending, consumed, to, out, outLength);
        } else {
            pass(consumed, to);
        }
        consumed = to;
    }

    /** Whether an event's data is {@code {"choices": [], "usage": {...}}}, in any member order. */
    static boolean isUsageOnly(byte[] data) {
        return isUsageOnly(data, data.length);
    }

    /**
     * As {@link #isUsageOnly(byte[])} for {@code data[0, length)}. Without an empty array ({@code [},
     * JSON whitespace, {@code ]}) or the key {@code "usage"} in its text the answer is no without
     * parsing; that is every chunk of a stream but its usage chunk.
     */
    static boolean isUsageOnly(byte[] data, int length) {
        // The empty array first: a content chunk has none, and '[' is rare enough to be found fast.
        return hasEmptyArray(data, 0, length, length) && isUsageOnlyWithEmptyArray(data, length);
    }

    /** As {@link #isUsageOnly}, for data known to hold an empty array: the rest of the check. */
    static boolean isUsageOnlyWithEmptyArray(byte[] data, int length) {
        if (ByteSearch.indexOf(data, 0, length, USAGE) < 0) {
            return false;
        }
        boolean emptyChoices = false;
        boolean usage = false;
        try (JsonParser p = JSON.createParser(data, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("choices".equals(name)) {
                    emptyChoices = v == JsonToken.START_ARRAY && p.nextToken() == JsonToken.END_ARRAY;
                } else if ("usage".equals(name)) {
                    usage = v == JsonToken.START_OBJECT;
                }
                p.skipChildren();
            }
            return emptyChoices && usage;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether an empty array ({@code [}, JSON whitespace, {@code ]}) starts in {@code data[from, to)};
     * what follows its {@code [} is read up to {@code length}.
     */
    static boolean hasEmptyArray(byte[] data, int from, int to, int length) {
        int i = from;
        while (i < to && (i = ByteSearch.indexOf(data, i, to, (byte) '[')) >= 0) {
            int j = i + 1;
            while (j < length && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r')) {
                j++;
            }
            if (j < length && data[j] == ']') {
                return true;
            }
            i++;
        }
        return false;
    }
}
