package dev.fairway.pipeline;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * Stands between the upstream answer and the client and may hold part of it back or refuse the
 * rest (response guardrails). Unlike a {@link ResponseObserver} it decides what the client gets;
 * like a transform it may hold back a bounded tail, never a whole stream.
 */
public interface ResponseFilter {

    /**
     * What the client may have now of what arrived so far; may be empty.
     *
     * @throws dev.fairway.error.GatewayError to refuse the rest of the answer
     */
    ByteBuffer apply(ByteBuffer chunk);

    /**
     * What is still held back once the upstream answer ended cleanly.
     *
     * @throws dev.fairway.error.GatewayError to refuse it
     */
    ByteBuffer finish();

    /** Called once just before the response head goes out, with a way to set headers on it. */
    default void beforeHead(BiConsumer<String, String> setHeader) {}
}
