package dev.fairway.trace;

import dev.fairway.pipeline.ResponseObserver;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The first bytes of the answer the client got, for a route that opted in to content in its spans. */
final class ContentCapture implements ResponseObserver {
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    ContentCapture(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void onChunk(ByteBuffer chunk) {
        int room = limit - kept.size();
        if (room <= 0) {
            return;
        }
        int n = Math.min(room, chunk.remaining());
        byte[] b = new byte[n];
        chunk.duplicate().get(b);
        kept.write(b, 0, n);
    }

    /** What was kept, as text (a sequence cut mid-character ends in a replacement character). */
    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }
}
