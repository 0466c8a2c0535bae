package dev.fairway.server;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;

/**
 * Reads a request body up to its route's limit. A declared {@code content-length} over the limit is
 * a 413 before any byte is read; below it, the declaration reserves nothing: the buffer starts small
 * and grows as bytes arrive, each growth charged to the listener's {@link BodyBudget} (503 when it
 * is spent) and given back when the response ends or the connection closes.
 * Only this class sets the response's end and exception handlers.
 */
final class BodyReader {
    /** The first buffer for a body; most chat requests fit in it. */
    static final int FIRST_CAPACITY = 8 * 1024;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private final long limit;
    private final BodyBudget budget;
    /** The size of the first buffer: the declared length when it is at most FIRST_CAPACITY, else FIRST_CAPACITY. */
    private final int first;
    private byte[] buffer;
    private int size;
    private long reserved;
    private boolean released;

    private BodyReader(long limit, BodyBudget budget, int first) {
        this.limit = limit;
        this.budget = budget;
        this.first = first;
    }

    static Future<byte[]> read(HttpServerRequest request, long limit, BodyBudget budget, AnswerEnd answerEnd) {
        String declared = request.getHeader("content-length");
        int first = FIRST_CAPACITY;
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0) {
                return Future.failedFuture(GatewayError.invalidHeader("content-length", "content-length: not a non-negative number"));
            }
            if (n > limit) {
                return Future.failedFuture(tooLarge(n, limit));
            }
            // A declared body that fits the first buffer gets a buffer of exactly its size: the body
            // is then handed on without a trimming copy (most chat requests). A larger declaration
            // still reserves no more than FIRST_CAPACITY before its bytes arrive.
            if (n > 0 && n <= FIRST_CAPACITY) {
                first = (int) n;
            }
        }
        BodyReader reader = new BodyReader(limit, budget, first);
        Promise<byte[]> promise = Promise.promise();
        // The reservation returns when the answer is over: the response ended, or the connection closed first.
        answerEnd.then(reader::release);
        request.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            GatewayError refused = reader.append(chunk);
            if (refused != null) {
                reader.release();
                promise.tryFail(refused);
            }
        });
        request.endHandler(v -> {
            if (!promise.future().isComplete()) {
                promise.tryComplete(reader.finish());
            }
        });
        request.exceptionHandler(t -> {
            // The connection failed or closed mid-body: nothing will be answered, so give the bytes back now.
            reader.release();
            promise.tryFail(t);
        });
        return promise.future();
    }

    /** Appends {@code chunk}, growing the buffer; the refusal when the body or the budget would be exceeded, else null. */
    private GatewayError append(Buffer chunk) {
        long need = (long) size + chunk.length();
        if (need > limit) {
            return tooLarge(need, limit);
        }
        if (buffer == null || need > buffer.length) {
            int capacity = buffer == null ? 0 : buffer.length;
            long grown = Math.min(Math.min(limit, MAX_ARRAY), Math.max(need, buffer == null ? first : 2L * capacity));
            if (released || !budget.tryReserve(grown - capacity)) {
                return GatewayError.of(ErrorType.SERVICE_UNAVAILABLE,
                        "request bodies in flight fill the gateway's budget of %d bytes (server.max_inflight_body_bytes); retry later",
                        budget.limit()).with("limit", budget.limit());
            }
            reserved += grown - capacity;
            buffer = buffer == null ? new byte[(int) grown] : Arrays.copyOf(buffer, (int) grown);
        }
        chunk.getBytes(0, chunk.length(), buffer, size);
        size = (int) need;
        return null;
    }

    /** The body, exactly sized; the buffer's spare room goes back to the budget now. */
    private byte[] finish() {
        if (buffer == null) {
            return new byte[0];
        }
        byte[] body = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        buffer = null;
        if (!released) {
            budget.release(reserved - size);
            reserved = size;
        }
        return body;
    }

    private void release() {
        if (!released) {
            released = true;
            budget.release(reserved);
            reserved = 0;
        }
    }

    private static GatewayError tooLarge(long size, long limit) {
        return GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: %d bytes or more (expected: at most %d)", size, limit)
                .with("limit", limit);
    }
}
