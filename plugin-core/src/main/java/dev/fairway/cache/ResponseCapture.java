package dev.fairway.cache;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.ResponseObserver;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Copies a missed response as it streams past, up to the entry size limit, and hands it over only
 * when it ended cleanly with a 2xx. Past the limit it lets go of what it holds: the client still
 * gets everything, the cache gets nothing.
 */
final class ResponseCapture implements ResponseObserver {
    /** Where a complete capture goes; exactly one of the two methods is called, once. */
    interface Sink {
        void complete(int status, List<String> headers, String contentType, byte[] body);

        void refused(String reason);
    }

    private final int maxBytes;
    private final Sink sink;
    private int status;
    private List<String> headers;
    private String contentType;
    private byte[] buffer;
    private int size;
    private String refusal;
    private boolean ended;

    ResponseCapture(int maxBytes, Sink sink) {
        this.maxBytes = maxBytes;
        this.sink = sink;
    }

    @Override
    public void onHeaders(int status, Headers upstream) {
        this.status = status;
        if (status < 200 || status > 299) {
            refuse("status " + status);
            return;
        }
        headers = CachedResponse.keptHeaders(upstream);
        contentType = upstream.get("content-type");
        long declared = upstream.contentLength();
        if (declared > maxBytes) {
            refuse("larger than max_entry_bytes");
            return;
        }
        buffer = new byte[(int) Math.min(maxBytes, declared >= 0 ? declared : 8192)];
    }

    @Override
    public void onChunk(ByteBuffer chunk) {
        if (refusal != null || buffer == null) {
            return;
        }
        int n = chunk.remaining();
        if (size + n > maxBytes) {
            refuse("larger than max_entry_bytes");
            return;
        }
        if (size + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(maxBytes, Math.max(buffer.length * 2L, size + n)));
        }
        chunk.get(buffer, size, n);
        size += n;
    }

    @Override
    public void onEnd(boolean clean) {
        if (ended) {
            return;
        }
        ended = true;
        if (!clean) {
            refuse("response cut before its end");
        }
        if (refusal != null) {
            sink.refused(refusal);
        } else if (buffer == null) {
            sink.refused("no response head");
        } else {
            sink.complete(status, headers, contentType, size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
        }
        buffer = null;
    }

    private void refuse(String reason) {
        if (refusal == null) {
            refusal = reason;
        }
        buffer = null;
    }
}
