package dev.fairway.server;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a request body up to a limit; past it, fails with 413 without reading the rest. */
final class BodyReader {
    private BodyReader() {}

    static Future<byte[]> read(HttpServerRequest request, long limit) {
        Promise<byte[]> promise = Promise.promise();
        String declared = request.getHeader("content-length");
        if (declared != null) {
            try {
                long n = Long.parseLong(declared.trim());
                if (n > limit) {
                    promise.fail(tooLarge(n, limit));
                    return promise.future();
                }
            } catch (NumberFormatException e) {
                promise.fail(GatewayError.invalidHeader("content-length", "content-length: not a number"));
                return promise.future();
            }
        }
        Buffer body = Buffer.buffer(declared == null ? 1024 : (int) Math.min(Long.parseLong(declared.trim()), limit));
        request.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                promise.tryFail(tooLarge(body.length() + chunk.length(), limit));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> promise.tryComplete(body.getBytes()));
        request.exceptionHandler(promise::tryFail);
        return promise.future();
    }

    private static GatewayError tooLarge(long size, long limit) {
        return GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: %d bytes or more (expected: at most %d)", size, limit)
                .with("limit", limit);
    }
}
