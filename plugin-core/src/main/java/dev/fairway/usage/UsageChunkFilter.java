package dev.fairway.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fairway.dispatch.ResponseTransform;
import dev.fairway.sse.SseEvent;
import dev.fairway.sse.SseParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Removes the usage-only chunk ({@code "choices": []} with {@code usage}) from an OpenAI-style
 * stream whose client did not ask for it, and the {@code "usage": null} member asking added to
 * every other chunk ({@link NullUsage}). The one {@link SseParser} says where each event's bytes
 * end; complete events pass on at once, and only the unfinished tail of the current event is held.
 */
final class UsageChunkFilter implements ResponseTransform {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    /** The largest event filtered: the bound every reader of a provider's stream holds an event to. */
    private static final int MAX_EVENT = 16 * 1024 * 1024;

    private final SseParser parser = new SseParser(MAX_EVENT, new Events());
    /** The raw bytes not passed on yet; they start at stream offset {@link #pendingStart}. */
    private byte[] pending = new byte[256];
    private int pendingLength;
    private long pendingStart;
    private ByteArrayOutputStream out;
    private int dropped;

    @Override
    public ByteBuffer apply(ByteBuffer chunk) {
        out = new ByteArrayOutputStream(chunk.remaining());
        if (parser.failed()) {
            // Past an event too large to read, the rest is passed on as it is.
            out.writeBytes(take(pendingLength));
            byte[] rest = new byte[chunk.remaining()];
            chunk.duplicate().get(rest);
            return ByteBuffer.wrap(rest);
        }
        int n = chunk.remaining();
        if (pending.length < pendingLength + n) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + n, pending.length * 2));
        }
        chunk.duplicate().get(pending, pendingLength, n);
        pendingLength += n;
        parser.feed(chunk);
        if (parser.failed()) {
            out.writeBytes(take(pendingLength));
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    @Override
    public ByteBuffer finish() {
        return ByteBuffer.wrap(take(pendingLength));
    }

    /** How many chunks were dropped. */
    int dropped() {
        return dropped;
    }

    private final class Events implements SseParser.Handler {
        @Override
        public void event(SseEvent e) {
            byte[] raw = take((int) (e.end() - pendingStart));
            if (isUsageOnly(e.data())) {
                dropped++;
            } else {
                out.writeBytes(NullUsage.strip(raw));
            }
        }

        @Override
        public void blank(long end) {
            out.writeBytes(take((int) (end - pendingStart)));
        }
    }

    /** The first {@code n} pending bytes, no longer pending. */
    private byte[] take(int n) {
        byte[] taken = Arrays.copyOf(pending, n);
        System.arraycopy(pending, n, pending, 0, pendingLength - n);
        pendingLength -= n;
        pendingStart += n;
        return taken;
    }

    /** Whether an event's data is {@code {"choices": [], "usage": {...}}}, in any member order. */
    static boolean isUsageOnly(byte[] data) {
        if (indexOf(data, USAGE) < 0) {
            return false;
        }
        boolean emptyChoices = false;
        boolean usage = false;
        try (JsonParser p = JSON.createParser(data)) {
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

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
