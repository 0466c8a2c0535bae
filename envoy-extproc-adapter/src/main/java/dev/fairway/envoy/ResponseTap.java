package dev.fairway.envoy;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import java.nio.ByteBuffer;

/**
 * Direct mode's view of the provider's answer as it passes through Envoy: feeds the exchange's
 * observers (usage, cache fill, payload log) chunk by chunk and completes the exchange exactly once,
 * however the stream ends. Called on the stream's serialized gRPC callbacks.
 */
final class ResponseTap {
    private final Exchange exchange;
    private final ResponseObserver observer;
    private int status;
    private long ttfbNanos = -1;
    private long bytes;
    private boolean ended;

    ResponseTap(Exchange exchange) {
        this.exchange = exchange;
        this.observer = exchange.observer();
    }

    Exchange exchange() {
        return exchange;
    }

    boolean sawHeaders() {
        return ttfbNanos >= 0;
    }

    void headers(int status, Headers headers) {
        if (ended) {
            return;
        }
        this.status = status;
        this.ttfbNanos = exchange.elapsedNanos();
        observer.onHeaders(status, headers);
    }

    void chunk(ByteBuffer chunk) {
        if (ended) {
            return;
        }
        bytes += chunk.remaining();
        observer.onChunk(chunk);
    }

    /** The response reached its end (end_of_stream or trailers). */
    void end() {
        finish(true, null);
    }

    /**
     * The stream ended before the response did: Envoy cancelled (the client went away) or closed.
     * An answer whose head already went out is truncated; one that never started is the client's 499.
     */
    void cut(String errorType) {
        finish(false, errorType);
    }

    private void finish(boolean clean, String errorType) {
        if (ended) {
            return;
        }
        ended = true;
        if (sawHeaders()) {
            observer.onEnd(clean);
        }
        int finalStatus = sawHeaders() ? status : 499;
        exchange.complete(new Completion(finalStatus, false, !clean && sawHeaders(), 0, 1, ttfbNanos,
                exchange.elapsedNanos(), bytes, null, null, errorType));
    }
}
