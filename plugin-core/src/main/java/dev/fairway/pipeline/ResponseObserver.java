package dev.fairway.pipeline;

import dev.fairway.http.Headers;
import java.nio.ByteBuffer;

/**
 * Watches an upstream response go by, chunk by chunk, without holding anything back from the client:
 * usage extraction, cache fill and payload logging are observers. Callbacks come in order on one
 * thread at a time; a chunk's buffer is only valid during the call (copy what must be kept).
 */
public interface ResponseObserver {
    default void onHeaders(int status, Headers headers) {}

    default void onChunk(ByteBuffer chunk) {}

    /** The response ended; {@code clean} is false when it was cut or failed part-way. */
    default void onEnd(boolean clean) {}
}
