package dev.fairway.dispatch;

import java.nio.ByteBuffer;

/**
 * Rewrites an upstream answer on its way to the client, chunk by chunk; {@link #IDENTITY} for
 * almost every exchange. A transform may hold back the unfinished tail of a chunk (a partial SSE
 * event) but never the whole answer. Observers see what the client gets.
 */
public interface ResponseTransform {
    ResponseTransform IDENTITY = new ResponseTransform() {
        @Override
        public ByteBuffer apply(ByteBuffer chunk) {
            return chunk;
        }
    };

    /** What to send now for {@code chunk}; may be empty. The chunk is only valid during the call. */
    ByteBuffer apply(ByteBuffer chunk);

    /** Whatever is still held back when the upstream answer ends cleanly. */
    default ByteBuffer finish() {
        return ByteBuffer.allocate(0);
    }
}
