package dev.fairway.mock;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** Sends one answer, or deliberately fails to: the only class that touches the HTTP response. */
final class Reply {

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private long timer = -1;

    Reply(Vertx vertx, HttpServerRequest request) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.request = Objects.requireNonNull(request, "request");
        this.response = request.response();
        // A client that hangs up during a first-byte delay must not get an answer written later.
        response.closeHandler(v -> {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        });
    }

    /** Runs {@code action} after {@code delay}, on this request's event loop, unless the client left. */
    void after(Duration delay, Runnable action) {
        Objects.requireNonNull(action, "action");
        if (delay.isZero()) {
            action.run();
            return;
        }
        timer = vertx.setTimer(delay.toMillis(), t -> {
            timer = -1;
            if (!response.closed()) {
                action.run();
            }
        });
    }

    void json(int status, byte[] body, Map<String, String> headers) {
        if (response.closed()) {
            return;
        }
        head(status, "application/json", headers).end(Buffer.buffer(body));
    }

    /** Announces the whole body's length, sends the first half, then closes: a body cut in transit. */
    void jsonCut(int status, byte[] body, Map<String, String> headers) {
        if (response.closed()) {
            return;
        }
        head(status, "application/json", headers).putHeader("content-length", Integer.toString(body.length));
        byte[] half = new byte[body.length / 2];
        System.arraycopy(body, 0, half, 0, half.length);
        response.write(Buffer.buffer(half)).onComplete(ar -> Connections.close(request.connection()));
    }

    void stream(String contentType, StreamScript script, Duration chunkDelay, Map<String, String> headers) {
        if (response.closed()) {
            return;
        }
        head(200, contentType, headers).putHeader("cache-control", "no-cache");
        new StreamWriter(vertx, request, script, chunkDelay).start();
    }

    /** Drops the connection with no answer at all. */
    void reset() {
        Connections.reset(request.connection());
    }

    private HttpServerResponse head(int status, String contentType, Map<String, String> headers) {
        response.setStatusCode(status).putHeader("content-type", contentType);
        headers.forEach(response::putHeader);
        return response;
    }
}
