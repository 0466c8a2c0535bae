package dev.fairway.translate;

import java.nio.ByteBuffer;

/** Turns a provider's event stream into OpenAI chunk events, piece by piece; holds at most one partial event. */
public interface StreamTranslator {
    /** What the client receives for {@code chunk}; may be empty. */
    byte[] feed(ByteBuffer chunk);

    /** What the client receives when the upstream stream ends cleanly (the final chunks and {@code [DONE]}). */
    byte[] finish();
}
