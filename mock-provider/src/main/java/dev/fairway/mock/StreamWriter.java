package dev.fairway.mock;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Writes a stream's frames on the event loop: paced by timers (never a sleeping thread), paused
 * while the client reads slowly, and abandoned as soon as the client goes away.
 */
final class StreamWriter {

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final StreamScript script;
    private final long delayMs;
    private int next;
    private Future<Void> lastWrite;

    StreamWriter(Vertx vertx, HttpServerRequest request, StreamScript script, Duration chunkDelay) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.request = Objects.requireNonNull(request, "request");
        this.response = request.response();
        this.script = Objects.requireNonNull(script, "script");
        this.delayMs = Objects.requireNonNull(chunkDelay, "chunkDelay").toMillis();
    }

    /** The response's status and headers must be set; they go out at once. */
    void start() {
        response.setChunked(true);
        lastWrite = response.writeHead();
        pump();
    }

    private void pump() {
        while (!response.closed()) {
            if (next == script.frames().size()) {
                finish();
                return;
            }
            lastWrite = response.write(Buffer.buffer(script.frames().get(next++).bytes()));
            if (next < script.frames().size() && delayMs > 0) {
                vertx.setTimer(delayMs, t -> pump());
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> pump());
                return;
            }
        }
    }

    private void finish() {
        if (script.abrupt()) {
            // Close only once the last frame is on the wire, or closing would discard it.
            lastWrite.onComplete(ar -> Connections.close(request.connection()));
        } else {
            response.end();
        }
    }
}
