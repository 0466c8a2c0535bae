package dev.fairway.translate;

import dev.fairway.sse.SseEvent;
import dev.fairway.sse.SseParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * What every translator of a provider's SSE stream shares: the bytes are read into events by the
 * one {@link SseParser}, at most the event being read is held, and each event is translated as soon
 * as it is complete. A subclass says what one event becomes and, where the provider has no end
 * event of its own, what the clean end adds.
 */
abstract class SseStreamTranslator implements StreamTranslator {
    /** The largest event a provider may send; a larger one is a broken stream, not a reason to grow without bound. */
    private static final int MAX_EVENT = 4 * 1024 * 1024;

    private final SseParser parser = new SseParser(MAX_EVENT, this::event);
    private ByteArrayOutputStream out;

    @Override
    public final byte[] feed(ByteBuffer chunk) {
        out = new ByteArrayOutputStream();
        parser.feed(chunk);
        checkParsed();
        return out.toByteArray();
    }

    @Override
    public final byte[] finish() {
        out = new ByteArrayOutputStream();
        parser.finish();
        checkParsed();
        ended(out);
        return out.toByteArray();
    }

    private void event(SseEvent e) {
        translate(e, out);
    }

    /** A stream that cannot be read any further cannot be translated any further: the relay ends it with an error. */
    private void checkParsed() {
        if (parser.failed()) {
            throw new IllegalStateException("the provider's event stream: " + parser.failure());
        }
    }

    /** Writes what the client gets for {@code event} (OpenAI chunks; nothing for events without content). */
    abstract void translate(SseEvent event, ByteArrayOutputStream out);

    /** After the last event of a clean end: what the client still needs. Nothing, unless the provider has no end event. */
    void ended(ByteArrayOutputStream out) {
    }
}
