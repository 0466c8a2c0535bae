package dev.fairway.translate;

import dev.fairway.sse.SseEvent;
import dev.fairway.sse.SseFramer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * What every translator of a provider's SSE stream shares: the bytes are framed into events, at
 * most the one being read is held, and each event is translated as soon as it is complete. A
 * subclass says what one event becomes and, where the provider has no end event of its own, what
 * the clean end adds.
 */
abstract class SseStreamTranslator implements StreamTranslator {
    /** The largest event a provider may send; a larger one is a broken stream, not a reason to grow without bound. */
    private static final int MAX_EVENT = 4 * 1024 * 1024;

    private final SseFramer framer = new SseFramer(MAX_EVENT);

    @Override
    public final byte[] feed(ByteBuffer chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SseEvent e : framer.feed(chunk)) {
            translate(e, out);
        }
        return out.toByteArray();
    }

    @Override
    public final byte[] finish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SseEvent e : framer.finish()) {
            translate(e, out);
        }
        ended(out);
        return out.toByteArray();
    }

    /** Writes what the client gets for {@code event} (OpenAI chunks; nothing for events without content). */
    abstract void translate(SseEvent event, ByteArrayOutputStream out);

    /** After the last event of a clean end: what the client still needs. Nothing, unless the provider has no end event. */
    void ended(ByteArrayOutputStream out) {
    }
}
